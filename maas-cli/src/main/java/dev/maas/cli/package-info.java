/**
 * The {@code maas} command line (picocli). The entry point is {@code Main}; each subcommand is one
 * class registered in {@code MaasCommand}; data files are read by {@code Table} on the shared CSV
 * reader of {@code dev.maas.internal}.
 */
package dev.maas.cli;
