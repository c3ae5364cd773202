/* libzmq's side of `zera bench subs`: what a send costs a publisher that holds
 * many subscriptions. Measured exactly as src/Zera.Cli/Bench/SubscriptionsBench.cs
 * does: one XPUB and one SUB in this process over inproc, N distinct topics of
 * the same length ("sub-0000000" ...), COUNT messages of SIZE bytes that match
 * one subscription (delivered) or none; only the zmq_send calls are timed, in
 * batches, and the SUB takes what was delivered between batches, untimed.
 *
 * usage: subs SUBSCRIPTIONS one|none SIZE COUNT [BATCH]
 * prints: RESULT impl=libzmq ... ns_per_msg=... (the same keys as zera's line) */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#define TOPIC_LENGTH 11
#define ENDPOINT "inproc://libzmq-bench-subs"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void check(int rc, const char *what)
{
    if (rc == -1) {
        fprintf(stderr, "subs: %s failed: %s\n", what, zmq_strerror(zmq_errno()));
        exit(2);
    }
}

static void set_int(void *s, int option, int value, const char *what)
{
    check(zmq_setsockopt(s, option, &value, sizeof value), what);
}

/* Sends n copies of msg; returns the nanoseconds the sends took. Then, untimed,
 * the subscriber takes what was delivered. */
static uint64_t publish(void *pub, void *sub, const char *msg, size_t size, int match, long n)
{
    uint64_t start = now_ns();
    for (long i = 0; i < n; i++)
        check(zmq_send(pub, msg, size, 0), "zmq_send");
    uint64_t took = now_ns() - start;
    if (match) {
        char buf[256];
        for (long i = 0; i < n; i++)
            check(zmq_recv(sub, buf, sizeof buf, 0), "zmq_recv (subscriber)");
    }
    return took;
}

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 6) {
        fprintf(stderr, "usage: %s SUBSCRIPTIONS one|none SIZE COUNT [BATCH]\n", argv[0]);
        return 1;
    }
    long subscriptions = atol(argv[1]);
    int match = strcmp(argv[2], "one") == 0;
    size_t size = (size_t)atol(argv[3]);
    long count = atol(argv[4]);
    long batch = argc == 6 ? atol(argv[5]) : 1000;
    if (subscriptions < 1 || subscriptions > 9999999 || (!match && strcmp(argv[2], "none") != 0) ||
        size < TOPIC_LENGTH || count < 1 || batch < 1) {
        fprintf(stderr, "subs: bad arguments\n");
        return 1;
    }
    int timeout = 20000;

    void *ctx = zmq_ctx_new();
    void *pub = zmq_socket(ctx, ZMQ_XPUB);
    set_int(pub, ZMQ_SNDHWM, 0, "XPUB SNDHWM");
    set_int(pub, ZMQ_RCVHWM, 0, "XPUB RCVHWM");
    set_int(pub, ZMQ_RCVTIMEO, timeout, "XPUB RCVTIMEO");
    set_int(pub, ZMQ_LINGER, 0, "XPUB LINGER");
    check(zmq_bind(pub, ENDPOINT), "zmq_bind");
    void *sub = zmq_socket(ctx, ZMQ_SUB);
    set_int(sub, ZMQ_SNDHWM, 0, "SUB SNDHWM"); /* libzmq drops subscriptions at a full mark */
    set_int(sub, ZMQ_RCVHWM, 0, "SUB RCVHWM");
    set_int(sub, ZMQ_RCVTIMEO, timeout, "SUB RCVTIMEO");
    set_int(sub, ZMQ_LINGER, 0, "SUB LINGER");
    check(zmq_connect(sub, ENDPOINT), "zmq_connect");

    char topic[TOPIC_LENGTH + 1];
    uint64_t setup = now_ns();
    for (long i = 0; i < subscriptions; i++) {
        snprintf(topic, sizeof topic, "sub-%07ld", i);
        check(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, topic, TOPIC_LENGTH), "ZMQ_SUBSCRIBE");
    }
    char notice[64];
    for (long got = 0; got < subscriptions; got++)
        check(zmq_recv(pub, notice, sizeof notice, 0), "zmq_recv (subscription notice)");
    double setup_s = (now_ns() - setup) / 1e9;

    char *msg = malloc(size);
    memset(msg, 0x2A, size);
    if (match)
        snprintf(topic, sizeof topic, "sub-%07ld", subscriptions / 2);
    else
        memcpy(topic, "sub-xxxxxxx", TOPIC_LENGTH + 1);
    memcpy(msg, topic, TOPIC_LENGTH);

    publish(pub, sub, msg, size, match, batch); /* warm-up, untimed */
    uint64_t ns = 0;
    for (long sent = 0; sent < count; sent += batch)
        ns += publish(pub, sub, msg, size, match, count - sent < batch ? count - sent : batch);
    if (!match) {
        char buf[256];
        if (zmq_recv(sub, buf, sizeof buf, ZMQ_DONTWAIT) != -1) {
            fprintf(stderr, "subs: a message that matches no subscription was delivered\n");
            return 2;
        }
    }

    int major, minor, patch;
    zmq_version(&major, &minor, &patch);
    double send_s = ns / 1e9;
    printf("RESULT impl=libzmq version=%d.%d.%d test=subs transport=inproc subscriptions=%ld match=%s size=%zu "
           "count=%ld batch=%ld subscribe_s=%.6f send_s=%.6f ns_per_msg=%.1f msgs_per_s=%.0f\n",
           major, minor, patch, subscriptions, match ? "one" : "none", size, count, batch, setup_s, send_s,
           (double)ns / count, count / send_s);
    free(msg);
    zmq_close(sub);
    zmq_close(pub);
    zmq_ctx_term(ctx);
    return 0;
}
