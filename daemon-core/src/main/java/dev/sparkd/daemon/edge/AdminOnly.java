package dev.sparkd.daemon.edge;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a JAX-RS resource class or method that changes state or shows usage, audit or topology data: it answers only
 * requests carrying the per-install admin token ({@code Authorization: Bearer …}); see {@link AdminFilter}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface AdminOnly {
}
