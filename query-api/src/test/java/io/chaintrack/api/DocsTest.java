package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAPI document is valid, lists exactly the routes the server serves, and /docs needs no network. */
class DocsTest {
    static ApiFixture fixture;
    static QueryApi api;
    static Clients clients;

    @BeforeAll
    static void start() throws Exception {
        fixture = ApiFixture.builder().start();
        api = fixture.api;
        clients = fixture.clients;
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void documentIsValidOpenApi3() {
        Clients.Response response = clients.get("/openapi.json");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(response.body());
        assertThat(parsed.getMessages()).isEmpty();
        assertThat(parsed.getOpenAPI().getOpenapi()).isEqualTo("3.0.3");
        assertThat(parsed.getOpenAPI().getPaths()).containsKey("/v1/chains/{chain_id}/addresses/{address}/transfers");
    }

    @Test
    void documentListsExactlyTheServedRoutes() {
        Router router = api.context().getBean(Router.class);
        // Micronaut adds a HEAD route for every GET on its own; the document lists the GETs
        Set<String> served = router.uriRoutes()
                .filter(r -> !r.getHttpMethodName().equals("HEAD"))
                .map(r -> r.getHttpMethodName() + " " + r.getUriMatchTemplate().toString())
                .collect(Collectors.toCollection(TreeSet::new));
        JsonObject paths = clients.get("/openapi.json").json().getAsJsonObject("paths");
        Set<String> documented = new TreeSet<>();
        for (Map.Entry<String, JsonElement> path : paths.entrySet()) {
            for (String method : path.getValue().getAsJsonObject().keySet()) {
                documented.add(method.toUpperCase() + " " + path.getKey());
            }
        }
        assertThat(documented).isEqualTo(served);
        assertThat(served).contains("GET /v1/chains/{chain_id}/addresses/{address}/tokens/{token}/history", "GET /v1/health");
    }

    @Test
    void operationsCarryProtoParametersCommentsAndSchemas() {
        JsonObject doc = clients.get("/openapi.json").json();
        JsonObject list = doc.getAsJsonObject("paths").getAsJsonObject("/v1/chains/{chain_id}/addresses/{address}/transfers").getAsJsonObject("get");
        assertThat(list.get("operationId").getAsString()).isEqualTo("TransferService_ListAddressTransfers");
        assertThat(list.get("summary").getAsString()).isEqualTo("Newest first, keyset paginated by an opaque cursor.");
        List<String> parameters = new ArrayList<>();
        for (JsonElement p : list.getAsJsonArray("parameters")) {
            JsonObject parameter = p.getAsJsonObject();
            parameters.add(parameter.has("$ref") ? parameter.get("$ref").getAsString() : parameter.get("in").getAsString() + ":" + parameter.get("name").getAsString());
        }
        assertThat(parameters).containsExactly("path:chain_id", "path:address", "query:limit", "query:cursor", "query:direction",
                "query:standard", "query:min_amount", "query:finality", "query:kind", "#/components/parameters/RequestId",
                "#/components/parameters/GrpcTimeout");
        JsonObject limit = list.getAsJsonArray("parameters").get(2).getAsJsonObject();
        assertThat(limit.get("description").getAsString()).startsWith("1..1000; 0 means the default of 100.");
        JsonObject direction = list.getAsJsonArray("parameters").get(4).getAsJsonObject();
        assertThat(direction.getAsJsonObject("schema").getAsJsonArray("enum").toString())
                .isEqualTo("[\"DIRECTION_UNSPECIFIED\",\"DIRECTION_INCOMING\",\"DIRECTION_OUTGOING\"]");
        assertThat(list.getAsJsonObject("responses").getAsJsonObject("400").getAsJsonObject("content").keySet())
                .containsExactly("application/problem+json");

        JsonObject view = doc.getAsJsonObject("components").getAsJsonObject("schemas").getAsJsonObject("TransferView");
        JsonObject properties = view.getAsJsonObject("properties");
        assertThat(properties.keySet()).contains("blockNumber", "txHash", "tokenId", "fromAddress");
        assertThat(properties.getAsJsonObject("blockNumber").get("type").getAsString()).isEqualTo("string");
        assertThat(properties.getAsJsonObject("blockTime").get("format").getAsString()).isEqualTo("date-time");
        assertThat(properties.getAsJsonObject("amount").get("description").getAsString()).isEqualTo("Exact decimal integer.");
        // auth is off in this instance: the document does not claim keys are needed
        assertThat(doc.getAsJsonObject("components").has("securitySchemes")).isFalse();
    }

    @Test
    void liveStreamsAreDocumentedAsServerSentEvents() {
        JsonObject doc = clients.get("/openapi.json").json();
        JsonObject stream = doc.getAsJsonObject("paths").getAsJsonObject("/v1/chains/{chain_id}/addresses/{address}/transfers/stream")
                .getAsJsonObject("get");
        JsonObject content = stream.getAsJsonObject("responses").getAsJsonObject("200").getAsJsonObject("content");
        assertThat(content.keySet()).containsExactly("text/event-stream");
        // the live-stream limit is a 429 with Retry-After even with auth off
        assertThat(stream.getAsJsonObject("responses").getAsJsonObject("429").getAsJsonObject("headers").has("Retry-After")).isTrue();
        assertThat(content.getAsJsonObject("text/event-stream").getAsJsonObject("schema").get("description").getAsString())
                .contains("event: transfer").contains("StreamAddressTransfersResponse").contains("event: error");
        // the message schema the events carry is in the document
        assertThat(doc.getAsJsonObject("components").getAsJsonObject("schemas").getAsJsonObject("StreamAddressTransfersResponse")
                .getAsJsonObject("properties").keySet()).containsExactly("transfer", "removed", "finalizedBlock");
        // optional fields are documented as such: GetBalancesAt takes block_number or time
        List<String> at = new ArrayList<>();
        for (JsonElement p : doc.getAsJsonObject("paths").getAsJsonObject("/v1/chains/{chain_id}/addresses/{address}/balances/at")
                .getAsJsonObject("get").getAsJsonArray("parameters")) {
            if (p.getAsJsonObject().has("name")) {
                at.add(p.getAsJsonObject().get("name").getAsString());
            }
        }
        assertThat(at).containsExactly("chain_id", "address", "token", "block_number", "time", "finality");
    }

    @Test
    void docsPageLoadsOnlyBundledAssets() {
        Clients.Response page = clients.get("/docs");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).doesNotContain("http://").doesNotContain("https://").doesNotContain("//cdn");
        Matcher references = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page.body());
        List<String> assets = new ArrayList<>();
        while (references.find()) {
            assets.add(references.group(1));
        }
        assertThat(assets).isNotEmpty().allMatch(a -> a.startsWith("/docs/assets/"));
        for (String asset : assets) {
            Clients.Response file = clients.get(asset);
            assertThat(file.status()).as(asset).isEqualTo(200);
            assertThat(file.body()).as(asset).isNotEmpty();
        }
        Clients.Response bundle = clients.get("/docs/assets/swagger-ui-bundle.js");
        assertThat(bundle.contentType()).startsWith("application/javascript");
        assertThat(bundle.body()).contains("SwaggerUIBundle");
        Clients.Response init = clients.get("/docs/assets/docs-init.js");
        assertThat(init.body()).contains("url: '/openapi.json'").contains("validatorUrl: null").doesNotContain("http");
        assertThat(clients.get("/docs/assets/swagger-ui.css").contentType()).startsWith("text/css");
        assertThat(clients.get("/docs/assets/../../application.yml").status()).isEqualTo(404);
        assertThat(clients.get("/docs/assets/index.html").status()).isEqualTo(404);
    }
}
