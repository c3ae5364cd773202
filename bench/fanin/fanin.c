/* libzmq's side of `zera bench fanin`: one PULL fed by N PUSH connections over tcp, 64 B messages.
 *
 *   fanin recv ENDPOINT SIZE COUNT          bind PULL, receive COUNT messages, print the RESULT line
 *   fanin send ENDPOINT SIZE COUNT SENDERS  N PUSH sockets connected to ENDPOINT, COUNT messages round-robin over them
 *
 * The receiver times from the first message to the last: rate = (COUNT-1)/elapsed, as zera bench fanin does. */
#include <zmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "fanin: %s: %s\n", what, zmq_strerror(zmq_errno()));
    exit(3);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: fanin recv|send ENDPOINT SIZE COUNT [SENDERS]\n");
        return 1;
    }
    const char *role = argv[1], *endpoint = argv[2];
    int size = atoi(argv[3]);
    long count = atol(argv[4]);
    int timeout = getenv("ANCHOR_TIMEOUT_MS") ? atoi(getenv("ANCHOR_TIMEOUT_MS")) : 20000;
    void *ctx = zmq_ctx_new();
    zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, 65536);
    char *buf = calloc(1, size > 0 ? size : 1);
    if (strcmp(role, "recv") == 0) {
        void *pull = zmq_socket(ctx, ZMQ_PULL);
        int zero = 0;
        zmq_setsockopt(pull, ZMQ_RCVHWM, &zero, sizeof zero);
        zmq_setsockopt(pull, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
        if (zmq_bind(pull, endpoint) != 0) die("bind");
        double t0 = 0;
        for (long i = 0; i < count; i++) {
            int n = zmq_recv(pull, buf, size, 0);
            if (n < 0) die("recv");
            if (n != size) { fprintf(stderr, "fanin: message %ld has %d bytes\n", i, n); return 3; }
            if (i == 0) t0 = now();
        }
        double s = now() - t0;
        printf("RESULT impl=libzmq version=%d.%d.%d test=fanin transport=tcp size=%d count=%ld senders=%s elapsed_s=%.6f msgs_per_s=%.0f\n",
               ZMQ_VERSION_MAJOR, ZMQ_VERSION_MINOR, ZMQ_VERSION_PATCH, size, count, argc > 5 ? argv[5] : "?", s, (count - 1) / s);
        zmq_close(pull);
    } else {
        int senders = argc > 5 ? atoi(argv[5]) : 1;
        void **push = calloc(senders, sizeof *push);
        int zero = 0, linger = -1;
        for (int i = 0; i < senders; i++) {
            push[i] = zmq_socket(ctx, ZMQ_PUSH);
            zmq_setsockopt(push[i], ZMQ_SNDHWM, &zero, sizeof zero);
            zmq_setsockopt(push[i], ZMQ_LINGER, &linger, sizeof linger);
            if (zmq_connect(push[i], endpoint) != 0) die("connect");
        }
        for (long i = 0; i < count; i++)
            if (zmq_send(push[i % senders], buf, size, 0) != size) die("send");
        for (int i = 0; i < senders; i++) zmq_close(push[i]);
        free(push);
    }
    free(buf);
    zmq_ctx_term(ctx);
    return 0;
}
