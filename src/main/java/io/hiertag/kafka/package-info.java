/**
  * Kafka plumbing shared by the application and its tests: an in-JVM single-node KRaft broker
  * ({@link io.hiertag.kafka.EmbeddedKafkaBroker}), waiting for a broker to answer
  * ({@link io.hiertag.kafka.BrokerReadiness}), explicit topic creation ({@link io.hiertag.kafka.TopicAdmin}), the
  * Avro single-object-encoding serde ({@link io.hiertag.kafka.AvroSerde}), the JSON form of the outputs
  * ({@link io.hiertag.kafka.JsonCodec}, {@link io.hiertag.kafka.OutputSerde}), and what an input record's value is
  * ({@link io.hiertag.kafka.InputFormat}, {@link io.hiertag.kafka.RawImageRecord}).
  */
package io.hiertag.kafka;
