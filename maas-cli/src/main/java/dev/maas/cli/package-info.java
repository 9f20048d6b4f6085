/** The {@code maas} command line (picocli): one class per subcommand, registered in {@code MaasCommand}. */
package dev.maas.cli;
