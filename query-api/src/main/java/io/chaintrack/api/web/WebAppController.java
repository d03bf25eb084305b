package io.chaintrack.api.web;

import com.google.gson.JsonObject;
import io.chaintrack.api.config.OidcConfig;
import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.keys.ApiKeyAuthorizer;
import io.chaintrack.api.rest.Problems;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The web app at /app/: the files the Maven build bundled into classpath {@code webapp/} (a fixed list of names, each
 * with its content type; nothing else is served) and /app/config.json, the sign-in settings. Every answer carries a
 * Content-Security-Policy that lets the page load and fetch only from this origin, plus the OpenID Connect provider's
 * token endpoint (the code exchange of sign-in), so the browser itself refuses any other request.
 */
@Controller
public final class WebAppController {
    static final String ROOT = "webapp/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml");

    private final OidcConfig oidc;
    @Nullable
    private final ApiKeyAuthorizer authorizer;

    public WebAppController(OidcConfig oidc, @Nullable ApiKeyAuthorizer authorizer) {
        this.oidc = oidc;
        this.authorizer = authorizer;
    }

    @Get(uri = "/app/config.json", produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> config() {
        JsonObject body = new JsonObject();
        boolean signIn = oidc.enabled() && authorizer != null;
        body.addProperty("signIn", signIn);
        if (signIn) {
            try {
                JsonObject discovery = authorizer.oidc().discoveryDocument();
                body.addProperty("issuer", oidc.issuer());
                body.addProperty("clientId", oidc.audience());
                body.addProperty("authorizationEndpoint", discovery.get("authorization_endpoint").getAsString());
                body.addProperty("tokenEndpoint", discovery.get("token_endpoint").getAsString());
            } catch (ApiException e) {
                return secured(Problems.response(e));
            }
        }
        return secured(HttpResponse.ok(body.toString()).contentType(MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store"));
    }

    /** The page, at /app/ and /app (Micronaut ignores a trailing slash): its URLs are absolute for that reason. */
    @Get(uri = "/app", produces = MediaType.TEXT_HTML)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> page() {
        return file("index.html");
    }

    @Get(uri = "/app/{file}", produces = MediaType.ALL)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> asset(@PathVariable("file") String file) {
        return file(file);
    }

    private HttpResponse<?> file(String name) {
        String type = FILES.get(name);
        if (type == null) {
            return secured(HttpResponse.notFound());
        }
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return secured(HttpResponse.notFound());
            }
            // names are not content-hashed: revalidate every load so a new build is never mixed with a cached file
            return secured(HttpResponse.ok(in.readAllBytes()).contentType(type).header("Cache-Control", "no-cache"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> MutableHttpResponse<T> secured(MutableHttpResponse<T> response) {
        return response.header("Content-Security-Policy", contentSecurityPolicy())
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY");
    }

    String contentSecurityPolicy() {
        Set<String> connect = new LinkedHashSet<>();
        connect.add("'self'");
        if (oidc.enabled() && authorizer != null) {
            try {
                connect.add(origin(authorizer.oidc().discoveryDocument().get("token_endpoint").getAsString()));
            } catch (RuntimeException e) {
                // the provider is away: sign-in cannot work anyway, and config.json says why
            }
        }
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src "
                + String.join(" ", connect) + "; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

}
