/*
 * cli.h - shared pieces of the vcomm command-line tool: the subcommand
 * table type, parsed arguments, exit codes, JSON output and progress.
 *
 * Exit codes (../shared/CLI.md): 0 success, 1 usage error, 2 data or model
 * error (message from the library on stderr, naming file and line); 130
 * (128 + SIGINT, as a shell reports a process Ctrl-C ended) when Ctrl-C
 * cancelled the work.
 */
#ifndef VCOMM_CLI_H
#define VCOMM_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "vcomm.h"

enum { CLI_OK = 0, CLI_USAGE = 1, CLI_DATA = 2, CLI_CANCELLED = 130 };

/* A flag of a subcommand. arg NULL means a switch without value. */
typedef struct cli_flag {
    const char *name;  /* "--user" */
    const char *alias; /* "-n" or NULL */
    const char *arg;   /* "ID", or NULL for a switch */
    const char *help;
} cli_flag;

/* Which common flags a command takes. */
enum {
    CLI_TAKES_DATA = 1,  /* --data PATH, --format NAME */
    CLI_TAKES_MODEL = 2, /* --model FILE */
    CLI_TAKES_JSON = 4   /* --json */
};

#define CLI_MAX_VALUES 64

typedef struct cli_ctx cli_ctx;

typedef struct cli_command {
    const char *name;
    const char *summary;   /* one line for the command list */
    const char *usage;     /* "vcomm stats --data PATH [--json]" */
    const char *example;   /* a full example command line */
    unsigned takes;        /* CLI_TAKES_* */
    const cli_flag *flags; /* own flags, ended by {NULL} */
    int (*run)(cli_ctx *ctx);
} cli_command;

struct cli_ctx {
    const cli_command *cmd;
    vc_options *opts; /* defaults + every --set and --format */
    bool json;
    bool progress;    /* stderr is a terminal */
    size_t nvalues;
    struct {
        const char *flag; /* canonical name, "--user" */
        const char *value;
    } values[CLI_MAX_VALUES];
};

/* Parsed flag values (last one wins; cli_next walks repeats). */
const char *cli_get(const cli_ctx *ctx, const char *flag);
bool cli_has(const cli_ctx *ctx, const char *flag);
/* Integer flag value in [lo, hi]; prints a usage error and returns false
 * on bad text. Absent: *out = fallback. */
bool cli_get_int(const cli_ctx *ctx, const char *flag, long long lo,
                 long long hi, long long fallback, long long *out);
bool cli_get_double(const cli_ctx *ctx, const char *flag, double fallback,
                    double *out);

/* Errors: print "vcomm CMD: message" to stderr and return the exit code. */
int cli_usage_error(const cli_ctx *ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int cli_library_error(const cli_ctx *ctx, vc_status status);
/* The exit code for a failed library call: option problems are usage
 * errors (1), cancellation CLI_CANCELLED, everything else data or model
 * errors (2). */
int cli_exit_code(vc_status status);

/* ---- progress bars and Ctrl-C (progress.c) ------------------------------- */

/* Install the progress callback in ctx->opts (bars on stderr when it is a
 * terminal) and the SIGINT handler that makes it cancel; sets
 * ctx->progress. */
void cli_progress_start(cli_ctx *ctx);
/* Clear the bar, remove the callback, restore SIGINT. */
void cli_progress_stop(cli_ctx *ctx);
/* Clear the bar line before writing to the terminal (no-op without one). */
void cli_progress_clear(void);
/* Ctrl-C was pressed. */
bool cli_interrupted(void);

/* ---- JSON writer (json.c) ------------------------------------------------ */

#define JSON_MAX_DEPTH 32

typedef struct json_writer {
    FILE *out;
    int depth;
    bool first[JSON_MAX_DEPTH]; /* no element yet at this depth */
    bool after_key;
} json_writer;

void json_init(json_writer *w, FILE *out);
void json_begin_object(json_writer *w);
void json_end_object(json_writer *w);
void json_begin_array(json_writer *w);
void json_end_array(json_writer *w);
void json_key(json_writer *w, const char *key);
void json_string(json_writer *w, const char *s);
void json_int(json_writer *w, long long v);
void json_uint(json_writer *w, unsigned long long v);
void json_double(json_writer *w, double v); /* non-finite -> null */
void json_bool(json_writer *w, bool v);
void json_null(json_writer *w);
/* Ends the document with a newline. */
void json_finish(json_writer *w);

/* Shortest "%.*g" text that reads back as v (also used by tables). */
void cli_format_double(double v, char *buf, size_t size);

/* ---- the subcommands ----------------------------------------------------- */

extern const cli_command cmd_demo, cmd_stats, cmd_synth, cmd_portrait,
    cmd_communities, cmd_recommend, cmd_target, cmd_eval, cmd_kmeans,
    cmd_build, cmd_update, cmd_report, cmd_options;

#endif
