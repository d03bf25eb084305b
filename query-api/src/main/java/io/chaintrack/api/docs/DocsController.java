package io.chaintrack.api.docs;

import io.chaintrack.api.config.AuthConfig;
import io.chaintrack.api.config.OidcConfig;
import io.chaintrack.proto.v1.QueryProto;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * /openapi.json (generated from the protos at start-up) and an interactive page at /docs that works
 * offline: Swagger UI comes from the swagger-ui webjar on the classpath, never from a CDN.
 */
@Controller
public final class DocsController {
    static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final Map<String, String> ASSETS = Map.of(
            "swagger-ui.css", "text/css",
            "swagger-ui-bundle.js", "application/javascript",
            "swagger-ui-standalone-preset.js", "application/javascript",
            "favicon-32x32.png", "image/png",
            "favicon-16x16.png", "image/png");
    private static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>chaintrack query API</title>
              <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
              <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="/docs/assets/swagger-ui-bundle.js"></script>
              <script src="/docs/assets/docs-init.js"></script>
            </body>
            </html>
            """;
    // validatorUrl null: Swagger UI would otherwise send the document to an online validator
    private static final String INIT = """
            window.ui = SwaggerUIBundle({
              url: '/openapi.json',
              dom_id: '#swagger-ui',
              deepLinking: true,
              validatorUrl: null,
              presets: [SwaggerUIBundle.presets.apis],
              layout: 'BaseLayout'
            });
            """;

    private final String openApi;
    private final String swaggerUiVersion;

    public DocsController(AuthConfig auth, OidcConfig oidc) {
        this.openApi = OpenApiDocument.render(QueryProto.getDescriptor().getServices(), ProtoComments.load(), auth.enabled(),
                oidc.issuer());
        this.swaggerUiVersion = webjarVersion();
    }

    @Get(uri = "/openapi.json", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> openApi() {
        return HttpResponse.ok(openApi).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    @Get(uri = "/docs", produces = MediaType.TEXT_HTML)
    public HttpResponse<String> page() {
        return HttpResponse.ok(PAGE).contentType(MediaType.TEXT_HTML_TYPE);
    }

    @Get(uri = "/docs/assets/{file}", produces = MediaType.ALL)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<byte[]> asset(@PathVariable("file") String file) {
        if (file.equals("docs-init.js")) {
            return HttpResponse.ok(INIT.getBytes(StandardCharsets.UTF_8)).contentType("application/javascript");
        }
        String type = ASSETS.get(file);
        if (type == null) {
            return HttpResponse.notFound();
        }
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(WEBJAR + swaggerUiVersion + "/" + file)) {
            if (in == null) {
                return HttpResponse.notFound();
            }
            return HttpResponse.ok(in.readAllBytes()).contentType(type).header("Cache-Control", "public, max-age=86400");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String webjarVersion() {
        try (InputStream in = DocsController.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui webjar is not on the classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
