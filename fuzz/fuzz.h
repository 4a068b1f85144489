/*
 * fuzz.h - the entry points every fuzz harness defines (libFuzzer's
 * names), shared by the harnesses and by replay.c, which runs a corpus
 * through a harness as an ordinary test.
 */
#ifndef LLMCOST_FUZZ_H
#define LLMCOST_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Runs one input.  A harness aborts when a check fails. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Optional set-up before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif /* LLMCOST_FUZZ_H */
