/*
 * Known-answer vectors for Cistern's erasure codec, made with Intel ISA-L, the independent
 * implementation the Java code must agree with byte for byte.
 *
 * Rebuild (Debian: apt-get install libisal-dev gcc), from this folder:
 *     gcc -O2 -o /tmp/generate generate.c -lisal && /tmp/generate .
 * The files are checked in; tests only read them, so CI needs neither gcc nor ISA-L.
 *
 * One file per (k, m), named rs-<k>-<m>.kat, all integers little-endian:
 *     "CKAT"            4 bytes, magic
 *     k, m, length      3 x uint32, data and parity columns, bytes per column
 *     seed              uint64, the splitmix64 seed the data came from
 *     data              k columns of length bytes, column 0 first
 *     parity            m columns of length bytes: ec_encode_data with gf_gen_cauchy1_matrix
 * The data is splitmix64 (Steele, Lea, Flood 2014) from seed, 8 bytes little-endian per step,
 * columns one after another; the seed is 0x5eed0000 + 256 * k + m, so each file's data differs.
 */
#include <isa-l/erasure_code.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LENGTH 2048

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void put32(FILE *f, uint32_t v)
{
    unsigned char b[4] = { v, v >> 8, v >> 16, v >> 24 };
    fwrite(b, 1, 4, f);
}

static int generate(const char *dir, int k, int m)
{
    unsigned char matrix[20 * 20], tables[32 * 20 * 20];
    unsigned char *data[20], *parity[4];
    uint64_t seed = 0x5eed0000ULL + 256 * k + m, state = seed;
    char path[4096];

    for (int i = 0; i < k; i++) {
        data[i] = malloc(LENGTH);
        for (int b = 0; b < LENGTH; b += 8) {
            uint64_t r = splitmix64(&state);
            for (int j = 0; j < 8; j++)
                data[i][b + j] = (unsigned char)(r >> (8 * j));
        }
    }
    for (int i = 0; i < m; i++)
        parity[i] = calloc(1, LENGTH);

    gf_gen_cauchy1_matrix(matrix, k + m, k);
    ec_init_tables(k, m, &matrix[k * k], tables);
    ec_encode_data(LENGTH, k, m, tables, data, parity);

    snprintf(path, sizeof path, "%s/rs-%d-%d.kat", dir, k, m);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return 1;
    }
    fwrite("CKAT", 1, 4, f);
    put32(f, k);
    put32(f, m);
    put32(f, LENGTH);
    put32(f, (uint32_t)seed);
    put32(f, (uint32_t)(seed >> 32));
    for (int i = 0; i < k; i++)
        fwrite(data[i], 1, LENGTH, f);
    for (int i = 0; i < m; i++)
        fwrite(parity[i], 1, LENGTH, f);
    fclose(f);
    for (int i = 0; i < k; i++)
        free(data[i]);
    for (int i = 0; i < m; i++)
        free(parity[i]);
    return 0;
}

int main(int argc, char **argv)
{
    /* The shapes Cistern uses, the LRC(12,2,1) global parity as RS(12,1), and the limits. */
    static const int shapes[][2] = {
        { 1, 1 }, { 2, 1 }, { 2, 2 }, { 4, 2 }, { 6, 2 }, { 6, 3 }, { 8, 4 },
        { 10, 4 }, { 12, 1 }, { 12, 3 }, { 16, 4 }, { 17, 3 },
    };
    const char *dir = argc > 1 ? argv[1] : ".";
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        if (generate(dir, shapes[i][0], shapes[i][1]))
            return 1;
    return 0;
}
