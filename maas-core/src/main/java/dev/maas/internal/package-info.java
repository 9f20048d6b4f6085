/** Implementation details shared between MaaS modules; not an API, never exported to users. */
package dev.maas.internal;
