package dev.sparkd.health.fleet;

/**
 * Where the fleet reports what happened. The daemon fires them as CDI events ({@link FleetEventsBridge}); the one-shot
 * command ignores them. Both are rare: an ordinary probe reports nothing.
 */
public interface FleetEvents {
    FleetEvents NONE = new FleetEvents() {
        @Override
        public void stateChanged(ServiceStateChanged event) {
        }

        @Override
        public void figuresChanged(FiguresChanged event) {
        }
    };

    void stateChanged(ServiceStateChanged event);

    void figuresChanged(FiguresChanged event);
}
