/* Mandelbrot set: escape-time iteration counts over a grid. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int size = argc > 1 ? atoi(argv[1]) : 1600;
    int max_iter = 256;
    uint64_t total = 0, inside = 0, hash = 0;
    for (int py = 0; py < size; py++) {
        double ci = 2.0 * py / size - 1.0;
        for (int px = 0; px < size; px++) {
            double cr = 2.5 * px / size - 2.0;
            double zr = 0, zi = 0, zr2 = 0, zi2 = 0;
            int iter = 0;
            while (iter < max_iter && zr2 + zi2 <= 4.0) {
                zi = 2 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                zr2 = zr * zr;
                zi2 = zi * zi;
                iter++;
            }
            total += iter;
            inside += iter == max_iter;
            hash = hash * 31 + iter;
        }
    }
    printf("mandelbrot %d: iterations %llu inside %llu hash %016llx\n", size,
           (unsigned long long)total, (unsigned long long)inside, (unsigned long long)hash);
    return 0;
}
