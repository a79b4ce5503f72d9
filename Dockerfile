# syntax=docker/dockerfile:1
# hiertag in a container, built from the sources alone: `docker compose up --build`, or
# `docker build -t hiertag .`. Nothing needs to be built on the host first.

# Build stage: Maven inside, with the dependency cache kept between builds (BuildKit cache mount).
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
ENV DJL_OFFLINE=true TF_CPP_MIN_LOG_LEVEL=2
COPY pom.xml ./
RUN --mount=type=cache,target=/root/.m2 mvn -B -q dependency:go-offline
COPY schemas schemas
COPY src/main src/main
# package also unpacks TensorFlow's native libraries into target/tensorflow-native/ and copies the jars to target/lib/.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package
# The bundled test model, exported once here, so that a container with no model folder mounted can still start when
# model.dir names it explicitly (its tags mean nothing; see docs/operations.md).
RUN java -jar target/hierarchy-tagger.jar make-test-model /src/test-model

# Runtime stage: the JRE, the jar, its libraries and the natives; runs as an unprivileged user.
FROM eclipse-temurin:17.0.13_11-jre-jammy
RUN groupadd --system --gid 10001 hiertag \
    && useradd --system --uid 10001 --gid hiertag --home-dir /var/lib/hiertag --shell /usr/sbin/nologin hiertag \
    && mkdir -p /var/lib/hiertag \
    && chown hiertag:hiertag /var/lib/hiertag
WORKDIR /opt/hiertag
COPY --from=build /src/target/hierarchy-tagger.jar target/hierarchy-tagger.jar
COPY --from=build /src/target/lib target/lib
COPY --from=build /src/target/tensorflow-native target/tensorflow-native
COPY --from=build /src/test-model test-model
# DJL must never download (the natives are in target/tensorflow-native/, found beside the jar).
ENV DJL_OFFLINE=true \
    TF_CPP_MIN_LOG_LEVEL=2 \
    HIERTAG_DATA_DIR=/var/lib/hiertag \
    HIERTAG_METRICS_PORT=9400
VOLUME ["/var/lib/hiertag"]
EXPOSE 9400
USER hiertag
# The heap follows the container's memory limit; the model's tensors live outside it.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-jar", "/opt/hiertag/target/hierarchy-tagger.jar"]
CMD ["run"]
