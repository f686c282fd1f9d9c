package org.fhirledger.ledger.bench;

import java.util.concurrent.TimeUnit;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.crypto.Signer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Ed25519 (BouncyCastle, behind the ledger's Signer / SignatureVerifier) over a 32-byte transaction hash, per second. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class Ed25519Benchmark {
  private Signer signer;
  private final SignatureVerifier verifier = Ed25519Keys.verifier();
  private byte[] message;
  private byte[] signature;

  @Setup
  public void setUp() {
    signer = Ed25519Keys.generate(TestChain.seededRandom(7));
    message = Hash32.sha256(new byte[] {1, 2, 3}).toArray();
    signature = signer.sign(message);
  }

  @Benchmark
  public byte[] sign() {
    return signer.sign(message);
  }

  @Benchmark
  public boolean verify() {
    return verifier.verify(signer.publicKey(), message, signature);
  }
}
