package io.kizuna.condition;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/** A small deterministic random source for the generators: the same seed gives the same data and conditions. */
final class SeededRandom {

    private final SplittableRandom random;

    SeededRandom(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** A seed derived from a parent seed and an index, stable across runs. */
    static long derive(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** Uniform in [low, high], both inclusive. */
    int between(int low, int high) {
        return low + random.nextInt(high - low + 1);
    }

    long between(long low, long high) {
        return low + random.nextLong(high - low + 1);
    }

    boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    double nextDouble() {
        return random.nextDouble();
    }

    long nextLong() {
        return random.nextLong();
    }

    <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    @SafeVarargs
    final <T> T pickOf(T... items) {
        return items[random.nextInt(items.length)];
    }

    /** Picks an index by weight. */
    int weighted(int... weights) {
        int total = 0;
        for (int weight : weights) {
            total += weight;
        }
        int roll = random.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            roll -= weights[i];
            if (roll < 0) {
                return i;
            }
        }
        throw new IllegalStateException();
    }

    /** Up to {@code count} distinct items, in random order. */
    <T> List<T> sample(List<T> items, int count) {
        List<T> pool = new ArrayList<>(items);
        List<T> result = new ArrayList<>();
        while (result.size() < count && !pool.isEmpty()) {
            result.add(pool.remove(random.nextInt(pool.size())));
        }
        return result;
    }

    /** A version-4 UUID from this seed. */
    UUID uuid() {
        long msb = (random.nextLong() & 0xFFFFFFFFFFFF0FFFL) | 0x0000000000004000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
