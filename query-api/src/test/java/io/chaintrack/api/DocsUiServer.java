package io.chaintrack.api;

import io.chaintrack.embedded.EmbeddedPostgresServer;

/**
 * The API over a throw-away embedded PostgreSQL holding {@link SeedData}, for scripts/check-docs-ui.sh (a browser
 * drives its /docs page). Prints "READY http://localhost:PORT" once it serves; stops when its stdin closes.
 */
public final class DocsUiServer {
    private DocsUiServer() {}

    public static void main(String[] args) throws Exception {
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start()) {
            new SeedData().seed(postgres.dataSource());
            try (QueryApi api = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0)) {
                System.out.println("READY http://localhost:" + api.httpPort());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // run until the script closes our stdin
                }
            }
        }
        System.exit(0);
    }
}
