package dev.sparkd.health.fleet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

/** The daemon's {@link FleetEvents}: CDI events, observed with {@code @Observes}. */
@ApplicationScoped
public class FleetEventsBridge implements FleetEvents {
    private final Event<ServiceStateChanged> states;
    private final Event<FiguresChanged> figures;

    public FleetEventsBridge(Event<ServiceStateChanged> states, Event<FiguresChanged> figures) {
        this.states = states;
        this.figures = figures;
    }

    @Override
    public void stateChanged(ServiceStateChanged event) {
        states.fire(event);
    }

    @Override
    public void figuresChanged(FiguresChanged event) {
        figures.fire(event);
    }
}
