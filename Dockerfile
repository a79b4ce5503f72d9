# Runtime image for hiertag; build the project on the host first: mvn -DskipTests package
FROM eclipse-temurin:17-jre
WORKDIR /opt/hiertag
COPY target/hierarchy-tagger.jar target/hierarchy-tagger.jar
COPY target/lib target/lib
COPY target/tensorflow-native target/tensorflow-native
ENV DJL_OFFLINE=true TF_CPP_MIN_LOG_LEVEL=2
ENTRYPOINT ["java", "-Xmx2g", "-jar", "target/hierarchy-tagger.jar"]
CMD ["run"]
