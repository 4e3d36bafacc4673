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

const cli_command cmd_demo = {
    "demo", "end-to-end tour on built-in synthetic data (or --data PATH)",
    "vcomm demo [--data PATH] [--json]", "vcomm demo",
    CLI_TAKES_DATA | CLI_TAKES_JSON, no_flags, not_yet};

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

static const cli_flag user_flags[] = {
    {"--user", NULL, "ID", "the user's external id"}, END_FLAGS};
const cli_command cmd_portrait = {
    "portrait", "one user's three-layer portrait and tags",
    "vcomm portrait --data PATH --user ID [--json]",
    "vcomm portrait --data ../shared/data/ml-100k --user 196 --json",
    CLI_TAKES_DATA | CLI_TAKES_MODEL | CLI_TAKES_JSON, user_flags, not_yet};

static const cli_flag communities_flags[] = {
    {"--topic", NULL, "NAME", "sub-communities of one topic community"},
    {"--k", NULL, "K", "number of communities"},
    {"--assignments", NULL, "FILE.csv", "write user,community,strength"},
    END_FLAGS};
const cli_command cmd_communities = {
    "communities", "global segments or the sub-communities of a topic",
    "vcomm communities --data PATH [--topic NAME] [--k K] "
    "[--assignments FILE.csv] [--json]",
    "vcomm communities --data ../shared/data/ml-100k --topic Drama --k 4",
    CLI_TAKES_DATA | CLI_TAKES_MODEL | CLI_TAKES_JSON, communities_flags,
    not_yet};

static const cli_flag recommend_flags[] = {
    {"--user", NULL, "ID", "recommend for this user"},
    {"--all", NULL, NULL, "recommend for every user (with --out)"},
    {"-n", NULL, "N", "items per user (default 10)"},
    {"--out", NULL, "FILE.csv", "CSV output for --all"},
    END_FLAGS};
const cli_command cmd_recommend = {
    "recommend", "top-n unseen items with scores and reasons",
    "vcomm recommend --data PATH (--user ID | --all --out FILE.csv) [-n 10] "
    "[--json]",
    "vcomm recommend --data ../shared/data/ml-100k --user 196 -n 5",
    CLI_TAKES_DATA | CLI_TAKES_MODEL | CLI_TAKES_JSON, recommend_flags,
    not_yet};

static const cli_flag target_flags[] = {
    {"--item", NULL, "ID", "target users for this item"},
    {"--category", NULL, "NAME", "target users for this category"},
    {"-n", NULL, "N", "number of users (default 100)"},
    END_FLAGS};
const cli_command cmd_target = {
    "target", "the users most likely to respond to an item or category",
    "vcomm target --data PATH (--item ID | --category NAME) [-n 100] [--json]",
    "vcomm target --data ../shared/data/ml-100k --category Drama -n 20",
    CLI_TAKES_DATA | CLI_TAKES_MODEL | CLI_TAKES_JSON, target_flags, not_yet};

static const cli_flag eval_flags[] = {
    {"--split", NULL, "SPEC", "temporal:0.2, random:0.2 or last:N"},
    {"--k", NULL, "K", "cut-off of the metrics (default 10)"},
    END_FLAGS};
const cli_command cmd_eval = {
    "eval", "community recommender vs popularity and user-kNN",
    "vcomm eval --data PATH [--split temporal:0.2] [--k 10] [--json]",
    "vcomm eval --data ../shared/data/ml-100k --split temporal:0.2 --k 10",
    CLI_TAKES_DATA | CLI_TAKES_JSON, eval_flags, not_yet};

static const cli_flag kmeans_flags[] = {
    {"--matrix", NULL, "FILE", "raw little-endian float32 row-major matrix"},
    {"--dim", NULL, "D", "columns per row"},
    {"--k", NULL, "K", "number of clusters"},
    {"--iters", NULL, "N", "maximum iterations"},
    {"--tol", NULL, "T", "relative inertia change that stops"},
    {"--seed", NULL, "S", "random seed"},
    {"--labels-out", NULL, "FILE", "labels as text, one per line"},
    {"--centroids-out", NULL, "FILE", "centroids as raw float32"},
    END_FLAGS};
const cli_command cmd_kmeans = {
    "kmeans", "k-means over a raw float32 matrix",
    "vcomm kmeans --matrix FILE --dim D --k K [--iters N] [--tol T] "
    "[--seed S] [--labels-out FILE] [--centroids-out FILE] [--json]",
    "vcomm kmeans --matrix blobs.f32 --dim 32 --k 64 --iters 20 --json",
    CLI_TAKES_JSON, kmeans_flags, not_yet};

static const cli_flag out_flags[] = {
    {"--out", NULL, "FILE", "output file"}, END_FLAGS};
const cli_command cmd_build = {
    "build", "build portraits and communities and write a model file",
    "vcomm build --data PATH --out MODEL",
    "vcomm build --data ../shared/data/ml-100k --out ml100k.vcm",
    CLI_TAKES_DATA, out_flags, not_yet};

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
