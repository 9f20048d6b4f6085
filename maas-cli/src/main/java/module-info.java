/** The {@code maas} command line. */
module dev.maas.cli {
  requires dev.maas.core;
  requires dev.maas.onnx;
  requires dev.maas.linear;
  requires dev.maas.http;
  requires info.picocli;

  opens dev.maas.cli to info.picocli;
}
