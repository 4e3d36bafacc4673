/*
 * progress.c - the tool's progress bars and Ctrl-C.
 *
 * The library reports progress through the callback in vc_options. While a
 * command runs, that callback draws one bar line on stderr ("kmeans
 * [#####.....]  48%  3.1s"), redrawn at most ten times a second, and only
 * when stderr is a terminal; otherwise it stays quiet. SIGINT only sets a
 * flag: the callback then returns non-zero, the running library call stops
 * with VC_ERR_CANCELLED and frees what it built, and the command unwinds
 * normally (cli_library_error prints "cancelled", exit code CLI_CANCELLED).
 * The handler is installed with SA_RESETHAND, so a second Ctrl-C ends the
 * process at once.
 */
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

enum { BAR_WIDTH = 24, MAX_DEPTH = 4 };

static volatile sig_atomic_t interrupted;

/* Stages nest: a stage that reports while another is unfinished runs
 * inside it (k-means inside communities inside eval). A stage reporting
 * again ends the stages nested in it; reaching 1 ends it. */
typedef struct level {
    char name[24];
    double fraction;
} level;

static struct {
    bool tty;      /* draw bars */
    bool drawn;    /* a bar is on the line now */
    double start;  /* when the command started */
    double last;   /* last redraw */
    char outer[24];
    level stack[MAX_DEPTH];
    int depth;
    struct sigaction old_int;
} bar;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

bool cli_interrupted(void)
{
    return interrupted != 0;
}

static void track(const char *stage, double fraction)
{
    int i = 0;
    while (i < bar.depth && strncmp(bar.stack[i].name, stage, sizeof bar.stack[i].name - 1) != 0)
        i++;
    if (i == MAX_DEPTH)
        i = MAX_DEPTH - 1;
    snprintf(bar.stack[i].name, sizeof bar.stack[i].name, "%s", stage);
    bar.stack[i].fraction = fraction;
    bar.depth = fraction >= 1.0 ? i : i + 1;
}

/* "communities  [#####...................]  22%  kmeans 20%  1.3s": the
 * bar is the outermost stage, the innermost follows in words. */
static void draw(const level *outer, const level *inner, double t)
{
    int filled = (int)(outer->fraction * BAR_WIDTH + 0.5);
    char line[160];
    int n = snprintf(line, sizeof line, "\r%-12.12s [", outer->name);
    for (int i = 0; i < BAR_WIDTH; i++)
        line[n++] = i < filled ? '#' : '.';
    n += snprintf(line + n, sizeof line - (size_t)n, "] %3d%%",
                  (int)(outer->fraction * 100 + 0.5));
    if (inner)
        n += snprintf(line + n, sizeof line - (size_t)n, "  %.16s %d%%",
                      inner->name, (int)(inner->fraction * 100 + 0.5));
    snprintf(line + n, sizeof line - (size_t)n, "  %.1fs\033[K", t - bar.start);
    fputs(line, stderr);
    fflush(stderr);
    bar.drawn = true;
}

static int progress_cb(const char *stage, double fraction, void *userdata)
{
    (void)userdata;
    if (interrupted)
        return 1;
    if (!bar.tty)
        return 0;
    level done = {{0}, fraction};
    snprintf(done.name, sizeof done.name, "%s", stage);
    track(stage, fraction);
    const level *outer = bar.depth ? &bar.stack[0] : &done;
    const level *inner = bar.depth > 1 ? &bar.stack[bar.depth - 1] : NULL;
    double t = now_s();
    bool new_outer = strcmp(outer->name, bar.outer) != 0;
    if (!new_outer && t - bar.last < 0.1 && !(bar.depth == 0 && fraction >= 1.0))
        return 0;
    snprintf(bar.outer, sizeof bar.outer, "%s", outer->name);
    bar.last = t;
    draw(outer, inner, t);
    return 0;
}

void cli_progress_clear(void)
{
    if (bar.drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        bar.drawn = false;
    }
}

void cli_progress_start(cli_ctx *ctx)
{
    bar.tty = isatty(STDERR_FILENO) != 0;
    bar.start = now_s();
    bar.outer[0] = '\0';
    bar.depth = 0;
    ctx->progress = bar.tty;
    vc_options_set_progress(ctx->opts, progress_cb, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, &bar.old_int);
}

void cli_progress_stop(cli_ctx *ctx)
{
    cli_progress_clear();
    vc_options_set_progress(ctx->opts, NULL, NULL);
    sigaction(SIGINT, &bar.old_int, NULL);
}
