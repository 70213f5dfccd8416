package io.kizuna.profile.identity;

/** A profile this batch resolved to was merged away by a concurrent batch; the batch is retried. */
public class ConcurrentMergeException extends RuntimeException {

    public ConcurrentMergeException() {
        super("a profile was merged concurrently", null, false, false);
    }
}
