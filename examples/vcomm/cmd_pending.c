/*
 * cmd_pending.c - subcommands of ../shared/CLI.md whose library parts are
 * not built yet: their help is complete, running them says so and exits 1.
 * Each moves to its own cmd_<name>.c when it is implemented.
 */
#include "cli.h"

static int not_yet(cli_ctx *ctx)
{
    fprintf(stderr,
            "vcomm %s: not available yet in vcomm %s (see 'vcomm --help')\n",
            ctx->cmd->name, vc_version_string());
    return CLI_USAGE;
}

#define END_FLAGS {NULL, NULL, NULL, NULL}

static const cli_flag no_flags[] = {END_FLAGS};

const cli_command cmd_stats = {
    "stats", "counts and summary of a data set",
    "vcomm stats --data PATH [--json]",
    "vcomm stats --data ../shared/data/ml-100k --json",
    CLI_TAKES_DATA | CLI_TAKES_MODEL | CLI_TAKES_JSON, no_flags, not_yet};

static const cli_flag synth_flags[] = {
    {"--out", NULL, "DIR", "output directory (created)"},
    {"--users", NULL, "N", "number of users"},
    {"--items", NULL, "N", "number of items"},
    {"--events-per-user", NULL, "N", "mean events per user"},
    {"--communities", NULL, "N", "planted communities"},
    {"--seed", NULL, "S", "random seed"},
    END_FLAGS};
const cli_command cmd_synth = {
    "synth", "write MovieLens-1M-format data with planted communities",
    "vcomm synth --out DIR [--users N --items N --events-per-user N "
    "--communities N --seed S]",
    "vcomm synth --out /tmp/synth --users 10000 --seed 7", 0, synth_flags,
    not_yet};

static const cli_flag out_flags[] = {
    {"--out", NULL, "FILE", "output file"}, END_FLAGS};
static const cli_flag update_flags[] = {
    {"--events", NULL, "FILE", "new events in the data set's event format"},
    {"--out", NULL, "MODEL", "updated model file"},
    END_FLAGS};
const cli_command cmd_update = {
    "update", "apply new events to a model (portraits, communities)",
    "vcomm update --model MODEL --events FILE --out MODEL2",
    "vcomm update --model ml100k.vcm --events new.data --out ml100k-2.vcm",
    CLI_TAKES_MODEL, update_flags, not_yet};

const cli_command cmd_report = {
    "report", "self-contained HTML report with figures",
    "vcomm report --data PATH --out FILE.html",
    "vcomm report --data ../shared/data/ml-100k --out report.html",
    CLI_TAKES_DATA, out_flags, not_yet};
