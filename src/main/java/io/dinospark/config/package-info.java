/** The run's one immutable configuration: described defaults, a HOCON file and key=value overrides, checked at load. */
package io.dinospark.config;
