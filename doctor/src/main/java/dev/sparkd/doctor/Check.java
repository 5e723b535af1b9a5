package dev.sparkd.doctor;

/**
 * One line of the doctor's report: what was checked, what was found, and for a problem how to fix it.
 *
 * @param subject e.g. {@code host spark-1 ssh}, {@code service ollama-1}
 * @param detail  what was found, e.g. {@code UP in 12 ms} or the reason it failed
 * @param fix     for a problem, what to do about it; null when all is well
 */
public record Check(String subject, String detail, String fix) {
    public static final String OK_MARK = "✓";
    public static final String PROBLEM_MARK = "✗";

    public static Check ok(String subject, String detail) {
        return new Check(subject, detail, null);
    }

    public static Check problem(String subject, String detail, String fix) {
        return new Check(subject, detail, fix);
    }

    public boolean ok() {
        return fix == null;
    }

    /** {@code ✓ subject: detail}, or {@code ✗ subject: detail — fix: …}; always one line. */
    public String line() {
        String text = (ok() ? OK_MARK : PROBLEM_MARK) + " " + subject + ": " + detail + (ok() ? "" : " — fix: " + fix);
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
