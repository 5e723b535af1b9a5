package dev.sparkd.daemon.boot;

import java.nio.file.Path;

import dev.sparkd.core.config.ConfigLoader;
import dev.sparkd.core.config.SuiteConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the validated config injectable; loaded once per daemon. */
public class SuiteConfigProducer {

    @Produces
    @Singleton
    SuiteConfig suiteConfig(DaemonConfig daemon) {
        return ConfigLoader.load(Path.of(daemon.config()));
    }
}
