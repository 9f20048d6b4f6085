/**
 * Encryption at rest of stored model versions: each version's files are encrypted with a fresh
 * AES-256 data key in fixed-size AES-GCM segments, and the data key is stored wrapped by a {@link
 * dev.maas.encryption.KeyProvider} (a key file, or a key-management service behind the interface).
 * Decryption happens in memory; plaintext is never written to disk.
 */
package dev.maas.encryption;
