/** The {@code maas} command line. */
module dev.maas.cli {
  requires dev.maas.core;
  requires dev.maas.onnx;
  requires dev.maas.linear;
  requires dev.maas.bench;
  requires dev.maas.http;
  requires info.picocli;
  requires com.fasterxml.jackson.core;
  requires org.jfree.jfreechart;
  requires java.desktop;
  requires java.logging;
  requires me.tongfei.progressbar;
  requires java.net.http;

  opens dev.maas.cli to info.picocli;
}
