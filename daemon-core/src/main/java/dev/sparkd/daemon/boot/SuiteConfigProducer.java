package dev.sparkd.daemon.boot;

import java.nio.file.Path;

import dev.sparkd.core.config.SuiteConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the validated config injectable; parsed once per start ({@link StartConfig}). */
public class SuiteConfigProducer {

    @Produces
    @Singleton
    SuiteConfig suiteConfig(DaemonConfig daemon) {
        return StartConfig.of(Path.of(daemon.config()));
    }
}
