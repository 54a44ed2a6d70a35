/** A Spring Boot application using the actionqueues starter: see {@link dev.actionqueues.samples.spring.SampleApplication}. */
package dev.actionqueues.samples.spring;
