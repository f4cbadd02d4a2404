/** The command line: one small class per subcommand. */
package io.dinospark.cli;
