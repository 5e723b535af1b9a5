package dev.sparkd.bench.floor;

import io.quarkus.hibernate.reactive.panache.PanacheEntity;
import jakarta.persistence.Entity;

/** One row per tick: the smallest use of Hibernate Reactive that still loads what a daemon's queries load. */
@Entity
public class Sample extends PanacheEntity {

    public String source;
    public long latencyMs;
}
