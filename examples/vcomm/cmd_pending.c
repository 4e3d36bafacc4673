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


static const cli_flag update_flags[] = {
    {"--events", NULL, "FILE", "new events in the data set's event format"},
    {"--out", NULL, "MODEL", "updated model file"},
    END_FLAGS};
const cli_command cmd_update = {
    "update", "apply new events to a model (portraits, communities)",
    "vcomm update --model MODEL --events FILE --out MODEL2",
    "vcomm update --model ml100k.vcm --events new.data --out ml100k-2.vcm",
    CLI_TAKES_MODEL, update_flags, not_yet};
