package dev.sparkd.models;

import dev.sparkd.core.ssh.SshRunner;
import dev.sparkd.models.engine.Tuning;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The model-manager's beans that are not classes of its own: the SSH runner (closed at shutdown) and the timings. */
public class ModelManagerProducers {

    @Produces
    @Singleton
    SshRunner sshRunner() {
        return new SshRunner();
    }

    void closeSshRunner(@Disposes SshRunner ssh) {
        ssh.close();
    }

    @Produces
    @Singleton
    Tuning tuning() {
        return Tuning.production();
    }
}
