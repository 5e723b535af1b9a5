package dev.sparkd.router.replay;

/** A whole answer as the client got it: status, JSON body and the target that gave it. */
public record Answer(int status, byte[] body, String target) {
    long bytes() {
        return 64L + body.length + (target == null ? 0 : 2L * target.length());
    }
}
