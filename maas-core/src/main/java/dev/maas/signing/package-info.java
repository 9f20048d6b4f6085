/**
 * Model signatures in the OpenSSF Model Signing format (OMS v1.0, key mode): a {@link
 * dev.maas.signing.ModelSigner} signs a model directory with an ECDSA key and writes the Sigstore
 * bundle {@code model.sig}; a {@link dev.maas.signing.ModelVerifier} checks such a bundle against
 * trusted public keys and the files it covers; a {@link dev.maas.signing.SignaturePolicy} says
 * whether a store or a server requires signatures. Keys are PEM files as openssl writes them; all
 * cryptography is the Java platform's own.
 */
package dev.maas.signing;
