package org.pathlens.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.Handler;
import io.javalin.http.SameSite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * The API token of a server started with {@code --token}: every API route needs it, sent one of two
 * ways.
 *
 * <ul>
 *   <li>Scripts send it on each request, {@code Authorization: Bearer <token>} or {@code
 *       X-PathLens-Token: <token>}.
 *   <li>The web UI signs in once: {@code POST /api/session} with the token answers with a session
 *       cookie ({@link Sessions}), {@code HttpOnly} (page scripts cannot read it), {@code
 *       SameSite=Strict} (other sites' pages do not send it), {@code Path=/api}, {@code Secure}
 *       when the server itself is reached over https. A cookie because the page's {@code <img>}
 *       requests (thumbnails, heatmaps) cannot carry a header, and a token in their URLs would end
 *       up in logs and browser history: the token is never read from a URL.
 * </ul>
 *
 * SameSite does not tell ports apart, so a page served by another program on the same host could
 * still make the browser send the cookie; where the browser says so ({@code Sec-Fetch-Site}), the
 * cookie counts only on requests from the UI's own origin or typed by the user. The UI's own files
 * (HTML, script, style) are served to anyone: they hold no data, and they must show the sign-in
 * form.
 */
final class TokenGuard {

  static final String COOKIE = "pathlens_session";
  private static final Set<String> OWN_FETCHES = Set.of("same-origin", "none");

  private final byte[] token;
  private final Sessions sessions;
  private final ObjectMapper json;
  private final WrongTokens wrongTokens = new WrongTokens();

  /** A guard for {@code token}, or one that lets everything through when it is null. */
  TokenGuard(String token, Sessions sessions, ObjectMapper json) {
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.sessions = sessions;
    this.json = json;
  }

  boolean required() {
    return token != null;
  }

  /** {@code handler}, answering 401 unless the request carries the token or an open session. */
  Handler protect(Handler handler) {
    return ctx -> {
      check(ctx);
      handler.handle(ctx);
    };
  }

  private void check(Context ctx) {
    if (token == null || ownSessionCookie(ctx)) {
      return;
    }
    String given = headerToken(ctx);
    if (given != null) {
      wrongTokens.requireAllowed(ctx, ctx.ip());
      if (matches(given)) {
        return;
      }
      wrongTokens.record(ctx.ip());
    }
    ctx.header("WWW-Authenticate", "Bearer");
    throw new ApiException(
        401,
        "this server needs its API token: 'Authorization: Bearer <token>' or"
            + " 'X-PathLens-Token: <token>', or sign in with POST /api/session",
        null);
  }

  /**
   * {@code POST /api/session} with {@code {"token": "..."}}: a session cookie for the right token.
   */
  void signIn(Context ctx) {
    if (token == null) {
      ctx.status(204); // nothing to sign in to
      return;
    }
    String given = tokenFromBody(ctx.body());
    wrongTokens.requireAllowed(ctx, ctx.ip());
    if (!matches(given)) {
      wrongTokens.record(ctx.ip());
      throw new ApiException(401, "wrong token", "token");
    }
    Cookie cookie =
        new Cookie(
            COOKIE,
            sessions.open(),
            "/api",
            -1,
            "https".equals(ctx.scheme()),
            true,
            null,
            SameSite.STRICT);
    ctx.cookie(cookie).status(204);
  }

  /** {@code DELETE /api/session}: ends the session the cookie names and clears the cookie. */
  void signOut(Context ctx) {
    sessions.close(ctx.cookie(COOKIE));
    ctx.removeCookie(COOKIE, "/api");
    ctx.status(204);
  }

  private String tokenFromBody(String body) {
    JsonNode node;
    try {
      node = body == null || body.isBlank() ? null : json.readTree(body);
    } catch (IOException e) {
      node = null;
    }
    JsonNode value = node == null ? null : node.get("token");
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw ApiException.badParameter(
          "token", "send the token as a JSON body {\"token\": \"...\"}");
    }
    return value.asText();
  }

  private static String headerToken(Context ctx) {
    String given = ctx.header("X-PathLens-Token");
    String authorization = ctx.header("Authorization");
    if (given == null
        && authorization != null
        && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      given = authorization.substring(7).strip();
    }
    return given;
  }

  private boolean ownSessionCookie(Context ctx) {
    String site = ctx.header("Sec-Fetch-Site");
    return (site == null || OWN_FETCHES.contains(site)) && sessions.isOpen(ctx.cookie(COOKIE));
  }

  /** Constant-time comparison: the time taken says nothing about how much of the token matched. */
  private boolean matches(String given) {
    return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token);
  }
}
