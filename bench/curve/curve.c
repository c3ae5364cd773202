// libzmq's side of Zera's CURVE benchmarks (bench/curve/run.sh), measured the way `zera bench thr --curve` and
// `zera bench hs --curve` measure Zera:
//
//   curve thr ENDPOINT SIZE COUNT [null|curve]   PULL (server) bound, PUSH (client) in a second thread; the rate runs
//                                                from the first message received to the last: (COUNT-1)/elapsed
//   curve hs ENDPOINT COUNT [null|curve]         a ROUTER server echoes; COUNT times a new DEALER client connects,
//                                                does one round trip and closes: handshakes (connections) per second
//
// Prints one RESULT line like the anchor harness's programs.
#include <zmq.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char server_public[41], server_secret[41];
static int use_curve = 1;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void check(int rc, const char *what)
{
    if (rc != 0) {
        fprintf(stderr, "%s: %s\n", what, zmq_strerror(zmq_errno()));
        exit(1);
    }
}

static void as_server(void *s)
{
    if (!use_curve) return;
    int one = 1;
    check(zmq_setsockopt(s, ZMQ_CURVE_SERVER, &one, sizeof one), "CURVE_SERVER");
    check(zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, server_secret, 40), "CURVE_SECRETKEY");
}

static void as_client(void *s)
{
    if (!use_curve) return;
    char pub[41], sec[41];
    check(zmq_curve_keypair(pub, sec), "zmq_curve_keypair");
    check(zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, server_public, 40), "CURVE_SERVERKEY");
    check(zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, pub, 40), "CURVE_PUBLICKEY");
    check(zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec, 40), "CURVE_SECRETKEY");
}

struct sender { void *ctx; const char *endpoint; size_t size; long count; };

static void *send_all(void *arg)
{
    struct sender *a = arg;
    void *push = zmq_socket(a->ctx, ZMQ_PUSH);
    int hwm = 0;
    zmq_setsockopt(push, ZMQ_SNDHWM, &hwm, sizeof hwm);
    as_client(push);
    check(zmq_connect(push, a->endpoint), "connect");
    char *buf = calloc(1, a->size ? a->size : 1);
    for (long i = 0; i < a->count; i++)
        if (zmq_send(push, buf, a->size, 0) < 0) { perror("send"); exit(1); }
    free(buf);
    zmq_close(push);
    return NULL;
}

static int thr(const char *endpoint, size_t size, long count)
{
    void *ctx = zmq_ctx_new();
    void *pull = zmq_socket(ctx, ZMQ_PULL);
    int hwm = 0;
    zmq_setsockopt(pull, ZMQ_RCVHWM, &hwm, sizeof hwm);
    as_server(pull);
    check(zmq_bind(pull, endpoint), "bind");
    struct sender a = { ctx, endpoint, size, count };
    pthread_t t;
    pthread_create(&t, NULL, send_all, &a);
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    double start = 0;
    for (long i = 0; i < count; i++) {
        if (zmq_msg_recv(&msg, pull, 0) < 0) { perror("recv"); return 1; }
        if (i == 0) start = now_s();
    }
    double elapsed = now_s() - start;
    zmq_msg_close(&msg);
    pthread_join(t, NULL);
    int major, minor, patch;
    zmq_version(&major, &minor, &patch);
    printf("RESULT impl=libzmq version=%d.%d.%d test=thr transport=tcp pattern=pushpull mechanism=%s size=%zu count=%ld elapsed_s=%.6f msgs_per_s=%.0f mb_per_s=%.2f\n",
           major, minor, patch, use_curve ? "curve" : "null", size, count, elapsed, (count - 1) / elapsed,
           (count - 1) / elapsed * size / 1e6);
    zmq_close(pull);
    zmq_ctx_term(ctx);
    return 0;
}

struct echo { void *ctx; const char *endpoint; };

static void *echo_all(void *arg)
{
    struct echo *e = arg;
    void *router = e->ctx;
    zmq_msg_t id, body;
    for (;;) {
        zmq_msg_init(&id);
        zmq_msg_init(&body);
        if (zmq_msg_recv(&id, router, 0) < 0) break;  // ETERM at the end
        if (zmq_msg_recv(&body, router, 0) < 0) break;
        zmq_msg_send(&id, router, ZMQ_SNDMORE);
        zmq_msg_send(&body, router, 0);
    }
    zmq_msg_close(&id);
    zmq_msg_close(&body);
    zmq_close(router);
    return NULL;
}

static int hs(const char *endpoint, long count)
{
    void *ctx = zmq_ctx_new();
    void *router = zmq_socket(ctx, ZMQ_ROUTER);
    as_server(router);
    check(zmq_bind(router, endpoint), "bind");
    char bound[256];
    size_t len = sizeof bound;
    zmq_getsockopt(router, ZMQ_LAST_ENDPOINT, bound, &len);
    struct echo e = { router, bound };
    pthread_t t;
    pthread_create(&t, NULL, echo_all, &e);
    char buf[8];
    double start = now_s();
    for (long i = 0; i < count; i++) {
        void *dealer = zmq_socket(ctx, ZMQ_DEALER);
        int zero = 0;
        zmq_setsockopt(dealer, ZMQ_LINGER, &zero, sizeof zero);
        as_client(dealer);
        check(zmq_connect(dealer, bound), "connect");
        if (zmq_send(dealer, "x", 1, 0) < 0 || zmq_recv(dealer, buf, sizeof buf, 0) < 0) { perror("round trip"); return 1; }
        zmq_close(dealer);
    }
    double elapsed = now_s() - start;
    int major, minor, patch;
    zmq_version(&major, &minor, &patch);
    printf("RESULT impl=libzmq version=%d.%d.%d test=hs transport=tcp mechanism=%s count=%ld elapsed_s=%.6f conns_per_s=%.0f\n",
           major, minor, patch, use_curve ? "curve" : "null", count, elapsed, count / elapsed);
    zmq_ctx_shutdown(ctx);  // wakes the echo thread with ETERM
    pthread_join(t, NULL);
    zmq_ctx_term(ctx);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: curve thr ENDPOINT SIZE COUNT [null|curve] | curve hs ENDPOINT COUNT [null|curve]\n");
        return 1;
    }
    int thr_mode = strcmp(argv[1], "thr") == 0;
    int mech_at = thr_mode ? 5 : 4;
    if (argc > mech_at) use_curve = strcmp(argv[mech_at], "null") != 0;
    if (use_curve && !zmq_has("curve")) { fprintf(stderr, "this libzmq has no CURVE\n"); return 1; }
    if (use_curve) check(zmq_curve_keypair(server_public, server_secret), "zmq_curve_keypair");
    if (thr_mode) return thr(argv[2], (size_t)atol(argv[3]), atol(argv[4]));
    if (strcmp(argv[1], "hs") == 0) return hs(argv[2], atol(argv[3]));
    fprintf(stderr, "unknown mode %s\n", argv[1]);
    return 1;
}
