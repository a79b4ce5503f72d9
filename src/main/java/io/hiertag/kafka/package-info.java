/**
  * Kafka plumbing shared by the application and its tests: an in-JVM single-node KRaft broker
  * ({@link io.hiertag.kafka.EmbeddedKafkaBroker}), waiting for a broker to answer
  * ({@link io.hiertag.kafka.BrokerReadiness}), explicit topic creation ({@link io.hiertag.kafka.TopicAdmin}) and the
  * Avro single-object-encoding serde ({@link io.hiertag.kafka.AvroSerde}).
  */
package io.hiertag.kafka;
