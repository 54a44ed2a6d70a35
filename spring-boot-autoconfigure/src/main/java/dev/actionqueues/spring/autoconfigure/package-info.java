/**
 * The Spring Boot auto-configuration of actionqueues, registered in
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}: the
 * {@code actionqueues.*} properties ({@link dev.actionqueues.spring.autoconfigure.ActionQueuesProperties}),
 * the core beans ({@link dev.actionqueues.spring.autoconfigure.ActionQueuesAutoConfiguration}) and the
 * optional health, metrics, tracing and dashboard parts, each switched on by its library on the classpath.
 */
package dev.actionqueues.spring.autoconfigure;
