/*
 * arena.c - cJSON's memory for one input row, from an arena.
 *
 * Parsing a JSON line makes a node and a string or two per member: tens
 * of small allocations, all freed together when the next row is read.
 * While the run reads rows, cJSON allocates from a bump arena instead,
 * and each new row empties it.  This is the command's own process: the
 * library only sees cJSON's hooks changed while no price table is being
 * loaded, and every row's JSON is freed before the arena is emptied.
 * Blocks too large for a chunk come from malloc and are kept on a list
 * until the reset.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"

#define CLI_CHUNK_SIZE ((size_t)1 << 16)
#define CLI_ALIGN ((size_t)16)

/* A chunk or a large block; data follows the header, which is 32 bytes
 * so that the data keeps malloc's 16-byte alignment. */
struct cli_block {
	struct cli_block *next;
	size_t size;		/* bytes of data */
	size_t pad[2];
};

struct cli_arena {
	struct cli_block *chunks;	/* the first is being filled */
	struct cli_block *large;
	size_t used;			/* bytes used of the first chunk */
	int active;
};

static struct cli_arena cli_arena;


static struct cli_block *cli_block_new(size_t size)
{
	struct cli_block *b;

	if (size > SIZE_MAX - sizeof(*b))
		return NULL;
	b = malloc(sizeof(*b) + size);
	if (b != NULL)
		b->size = size;
	return b;
}


static void *cli_large(size_t size)
{
	struct cli_block *b = cli_block_new(size);

	if (b == NULL)
		return NULL;
	b->next = cli_arena.large;
	cli_arena.large = b;
	return b + 1;
}


/* Starts a new chunk in front of the list. */
static int cli_chunk_push(void)
{
	struct cli_block *b = cli_block_new(CLI_CHUNK_SIZE);

	if (b == NULL)
		return -1;
	b->next = cli_arena.chunks;
	cli_arena.chunks = b;
	cli_arena.used = 0;
	return 0;
}


static void *cli_arena_alloc(size_t size)
{
	size_t need = (size + CLI_ALIGN - 1) & ~(CLI_ALIGN - 1);
	void *p;

	if (size == 0 || need < size)
		need = CLI_ALIGN;
	if (need > CLI_CHUNK_SIZE / 4)
		return cli_large(size);
	if ((cli_arena.chunks == NULL ||
	     CLI_CHUNK_SIZE - cli_arena.used < need) && cli_chunk_push())
		return NULL;
	p = (char *)(cli_arena.chunks + 1) + cli_arena.used;
	cli_arena.used += need;
	return p;
}


/* cJSON frees node by node; the arena frees them all at the reset. */
static void cli_arena_free(void *p)
{
	(void)p;
}


static void cli_blocks_free(struct cli_block *b)
{
	struct cli_block *next;

	for (; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
}


void cli_arena_reset(void)
{
	if (!cli_arena.active)
		return;
	cli_blocks_free(cli_arena.large);
	cli_arena.large = NULL;
	if (cli_arena.chunks != NULL) {
		cli_blocks_free(cli_arena.chunks->next);
		cli_arena.chunks->next = NULL;
	}
	cli_arena.used = 0;
}


int cli_arena_active(void)
{
	return cli_arena.active;
}


void cli_arena_begin(void)
{
	cJSON_Hooks hooks = { cli_arena_alloc, cli_arena_free };

	memset(&cli_arena, 0, sizeof(cli_arena));
	cli_arena.active = 1;
	cJSON_InitHooks(&hooks);
}


void cli_arena_end(void)
{
	cJSON_InitHooks(NULL);
	cli_arena.active = 0;
	cli_blocks_free(cli_arena.large);
	cli_blocks_free(cli_arena.chunks);
	memset(&cli_arena, 0, sizeof(cli_arena));
}
