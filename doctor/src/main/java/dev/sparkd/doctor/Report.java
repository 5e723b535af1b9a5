package dev.sparkd.doctor;

import java.io.PrintStream;

/** Prints each check as it is made (a slow host shows where the doctor is) and remembers whether any failed. */
final class Report {
    private final PrintStream out;
    private int problems;

    Report(PrintStream out) {
        this.out = out;
    }

    void add(Check check) {
        out.println(check.line());
        out.flush();
        if (!check.ok()) {
            problems++;
        }
    }


    int problems() {
        return problems;
    }
}
