package dev.sparkd.core.ssh;

import java.util.List;

/** Arguments that break naive command building; shared by the quoting tests, local and remote. */
final class NastyStrings {

    static final List<String> ALL = List.of(
            "'; rm -rf / #",
            "$(id)",
            "`id`",
            "${HOME}",
            "line one\nline two\n",
            "tab\there",
            "a'b\"c\\d",
            "''",
            "'",
            "\\",
            "* ? [a-z] ~ ~root",
            "-n",
            "--",
            "; | & && || > < >> 2>&1",
            "!event ^old^new",
            "grüße 日本語 🚀",
            "",
            " leading and trailing spaces ",
            "FOO=bar",
            "%s %n %%");

    private NastyStrings() {
    }
}
