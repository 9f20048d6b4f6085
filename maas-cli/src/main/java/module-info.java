/** The {@code maas} command line. */
module dev.maas.cli {
  requires dev.maas.core;
  requires dev.maas.onnx;
  requires dev.maas.linear;
  requires com.fasterxml.jackson.core;
  requires dev.maas.http;
  requires info.picocli;
  requires java.logging;
  requires me.tongfei.progressbar;
  requires java.net.http;

  opens dev.maas.cli to info.picocli;
}
