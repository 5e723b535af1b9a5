package dev.sparkd.health.fleet;

/**
 * The set of figures a service reports changed (e.g. {@code /metrics} stopped answering, or a first handshake came):
 * a CDI event, so the metrics add or remove series. An ordinary probe, whose figures are the same as last time, fires
 * nothing.
 */
public record FiguresChanged(ServiceMonitor monitor) {
}
