package dev.quiver.server;

import java.io.File;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.apache.calcite.avatica.remote.AuthenticationType;
import org.apache.calcite.avatica.server.AvaticaHandler;
import org.apache.calcite.avatica.server.AvaticaServerConfiguration;
import org.apache.calcite.avatica.server.HttpServer;
import org.apache.calcite.avatica.server.RemoteUserExtractor;
import org.eclipse.jetty.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.LoginService;
import org.eclipse.jetty.security.authentication.BasicAuthenticator;
import org.eclipse.jetty.security.authentication.DigestAuthenticator;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.security.Constraint;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Avatica's HTTP server (Jetty 9.4) listening on one address, with Quiver's users file behind basic
 * and digest authentication. Avatica's builder offers neither a bind address nor a login service
 * other than a Jetty properties file, whose password formats are unsalted MD5 or DES crypt; its
 * overridable methods give both.
 */
final class QuiverHttpServer extends HttpServer {
  /** Avatica's default: large enough for long SQL in a header-free protobuf protocol. */
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private final String bind;
  private final LoginService loginService;

  /**
   * @param loginService the users, or null for a server without authentication
   * @param tls the TLS setup, or null for plain HTTP
   */
  QuiverHttpServer(
      String bind,
      int port,
      AvaticaHandler handler,
      LoginService loginService,
      boolean digest,
      SslContextFactory.Server tls) {
    super(
        port,
        handler,
        loginService == null ? null : new UsersConfiguration(digest),
        null,
        tls,
        MAX_HEADER_BYTES);
    this.bind = bind;
    this.loginService = loginService;
  }

  @Override
  protected ServerConnector getServerConnector() {
    ServerConnector connector = super.getServerConnector();
    connector.setHost(bind);
    return connector;
  }

  @Override
  protected ConstraintSecurityHandler configureBasicAuthentication(
      Server server, AvaticaServerConfiguration config) {
    server.addBean(loginService);
    return configureCommonAuthentication(
        Constraint.__BASIC_AUTH,
        config.getAllowedRoles(),
        new BasicAuthenticator(),
        null,
        loginService);
  }

  @Override
  protected ConstraintSecurityHandler configureDigestAuthentication(
      Server server, AvaticaServerConfiguration config) {
    server.addBean(loginService);
    return configureCommonAuthentication(
        Constraint.__DIGEST_AUTH,
        config.getAllowedRoles(),
        new DigestAuthenticator(),
        null,
        loginService);
  }

  /** What Avatica needs to know of basic or digest authentication: every role may connect. */
  private record UsersConfiguration(boolean digest) implements AvaticaServerConfiguration {
    @Override
    public AuthenticationType getAuthenticationType() {
      return digest ? AuthenticationType.DIGEST : AuthenticationType.BASIC;
    }

    @Override
    public String[] getAllowedRoles() {
      return Arrays.stream(Role.values()).map(Role::label).toArray(String[]::new);
    }

    @Override
    public String getHashLoginServiceRealm() {
      return UserAccount.REALM;
    }

    @Override
    public String getHashLoginServiceProperties() {
      return null;
    }

    @Override
    public String getKerberosRealm() {
      return null;
    }

    @Override
    public String getKerberosPrincipal() {
      return null;
    }

    @Override
    public String getKerberosServiceName() {
      return null;
    }

    @Override
    public String getKerberosHostName() {
      return null;
    }

    @Override
    public File getKerberosKeytab() {
      return null;
    }

    @Override
    public boolean supportsImpersonation() {
      return false;
    }

    @Override
    public <T> T doAsRemoteUser(String remoteUserName, String remoteAddress, Callable<T> action) {
      throw new UnsupportedOperationException("Quiver's server does not impersonate users");
    }

    @Override
    public RemoteUserExtractor getRemoteUserExtractor() {
      return null;
    }
  }
}
