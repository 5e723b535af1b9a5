package dev.sparkd.models.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sparkd.models.SimFixture;
import dev.sparkd.core.testing.CommandRun;
import dev.sparkd.simulator.fault.Fault;

/** {@code plan} and {@code reconcile --once} exit codes, against the simulator. */
class CliTest {
    @RegisterExtension
    static final SimFixture fx = new SimFixture("");

    static CommandRun run(String... args) {
        return CommandRun.of((out, err) -> Cli.run(args, out, err, false, SimFixture.fastTuning(), null));
    }

    @Test
    void planAndReconcileOnceExitCodes() throws Exception {
        Path file = fx.writeConfig("""
                [models.ollama-1]
                pull = ["llama3.2:1b"]
                min_free_disk = "1GB"
                """);
        CommandRun plan = run("plan", "--config", file.toString());
        assertThat(plan.code()).as(plan.out() + plan.err()).isEqualTo(1);
        assertThat(plan.out()).contains("ollama-1 (ollama on spark-1)").contains("+ pull    llama3.2:1b").contains("Plan: 1 to pull");

        CommandRun json = run("plan", "--json", "--config", file.toString());
        assertThat(json.code()).isEqualTo(1);
        assertThat(json.out()).contains("\"action\" : \"pull\"");

        fx.sim.control().setFault("ollama-1", Fault.fromMap(Map.of("type", "pull_fail_at", "percent", 40)));
        CommandRun failed = run("reconcile", "--once", "--config", file.toString());
        assertThat(failed.code()).as(failed.out()).isEqualTo(1);
        assertThat(failed.out()).containsPattern("pull llama3.2:1b: [1-9][0-9]?% \\([0-9.]+ MiB of 1.2 GiB\\)").contains("failed  ollama-1 pull llama3.2:1b").contains("Not converged.");
        fx.sim.control().clearFaults("ollama-1");

        CommandRun once = run("reconcile", "--once", "--config", file.toString());
        assertThat(once.code()).as(once.out()).isEqualTo(0);
        assertThat(once.out()).contains("succeeded  ollama-1 pull llama3.2:1b").contains("Converged.");

        CommandRun clean = run("plan", "--config", file.toString());
        assertThat(clean.code()).isEqualTo(0);
        assertThat(clean.out()).contains("= keep    llama3.2:1b").contains("No changes.");
    }

    @Test
    void configErrorsExitTwo() throws Exception {
        Path bad = Files.writeString(SimFixture.DIR.resolve("bad.toml"), fx.writeConfigText("""
                [models.ollama-1]
                pull = ["llama3.2:1b"]
                max_parallel_pulls = 99
                [models.nosuch]
                pull = []
                """));
        CommandRun plan = run("plan", "--config", bad.toString());
        assertThat(plan.code()).isEqualTo(2);
        assertThat(plan.err()).contains("max_parallel_pulls").contains("nosuch");
        assertThat(run("reconcile", "--once", "--config", bad.toString()).code()).isEqualTo(2);
        assertThat(run("reconcile", "--config", bad.toString()).code()).as("reconcile needs --once").isEqualTo(2);
    }

    @Test
    void unknownOptionsAreUsageErrorsAndHelpListsTheOptions() {
        CommandRun typo = run("plan", "--jsn");
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("Unknown option: '--jsn'").contains("Possible solutions: --json");
        CommandRun noValue = run("reconcile", "--once", "--config");
        assertThat(noValue.code()).isEqualTo(2);
        assertThat(noValue.err()).contains("Missing required parameter for option '--config'").contains("Usage: model-manager reconcile");

        CommandRun help = run("reconcile", "--help");
        assertThat(help.code()).isEqualTo(0);
        assertThat(help.out()).contains("--once", "--force-prune", "--config=FILE");
    }
}
