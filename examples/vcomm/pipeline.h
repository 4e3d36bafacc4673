/*
 * pipeline.h - the CLI's way to get from flags to the library's stages:
 * open the data set (--data, or a model file with --model), build
 * portraits and communities when a command needs them, and look up
 * external ids. Every function prints its own error and returns an exit
 * code (CLI_OK when it worked).
 */
#ifndef VCOMM_CLI_PIPELINE_H
#define VCOMM_CLI_PIPELINE_H

#include "cli.h"

typedef enum cli_stage {
    CLI_STAGE_DATA = 1,
    CLI_STAGE_PORTRAITS = 2,
    CLI_STAGE_COMMUNITIES = 3
} cli_stage;

typedef struct cli_pipeline {
    const vc_dataset *ds;
    const vc_portraits *pt;
    const vc_communities *cm;
    /* what the pipeline owns: either a model or the three stages */
    vc_model *model;
    vc_dataset *own_ds;
    vc_portraits *own_pt;
    vc_communities *own_cm;
} cli_pipeline;

/** Open up to stage, from --model FILE (everything at once) or --data
 *  PATH. Without either: usage error, unless synth_default, which
 *  generates the built-in synthetic data. */
int cli_pipeline_open(cli_ctx *ctx, cli_pipeline *p, cli_stage stage,
                      bool synth_default);
void cli_pipeline_close(cli_pipeline *p);

/** The keys "users", "items", "events" of a data set into an open object. */
void cli_json_counts(json_writer *w, const vc_dataset *ds);

/** What synth and build wrote: "wrote OUT: N users, N items, N events, N
 *  <communities_text>" on stdout, or with --json {"out", "users", "items",
 *  "events", "communities"}. */
void cli_print_written(const cli_ctx *ctx, const char *out, const vc_dataset *ds,
                       size_t communities, const char *communities_text);

/** A user's global segment (its strongest global membership), or
 *  UINT32_MAX when it has none. */
uint32_t cli_user_segment(const vc_communities *cm, size_t user);

/** A persona ("212 users (23%), 61% women; Drama") split into its size
 *  part (the first *size_len bytes) and the traits after it (returned;
 *  "" when there are none). */
const char *cli_persona_traits(const char *persona, size_t *size_len);

/** Index of an external user / item id (exit 2 naming it when unknown). */
int cli_user_index(const cli_ctx *ctx, const vc_dataset *ds, const char *id,
                   size_t *index);
int cli_item_index(const cli_ctx *ctx, const vc_dataset *ds, const char *id,
                   size_t *index);

#endif
