package dev.sparkd.simulator.ssh;

/**
 * One command-line argument as the Go CLIs (docker) and nvidia-smi split it: {@code --name=value} is a flag with its
 * value attached; anything else is a flag (or word) whose value, if it takes one, is the next argument.
 */
record Flag(String name, String value) {

    static Flag of(String arg) {
        int eq = arg.indexOf('=');
        return arg.startsWith("--") && eq > 0 ? new Flag(arg.substring(0, eq), arg.substring(eq + 1)) : new Flag(arg, null);
    }
}
