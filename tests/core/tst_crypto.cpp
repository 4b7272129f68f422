#include "crypto.h"

#include <QSet>
#include <QTest>

using namespace hearth;

class TestCrypto : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sha256KnownAnswer();
    void gcmKnownAnswers_data();
    void gcmKnownAnswers();
    void scryptKnownAnswer();
    void roundTripAndRandomNonce();
    void tamperIsDetected();
    void wrongKeyOrAadIsDetected();
    void truncatedIsRejected();
    void kdfParamsRoundTrip();
    void cipherMatchesOneShot();
};

void TestCrypto::sha256KnownAnswer()
{
    QCOMPARE(crypto::sha256("abc").toHex(),
             QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
}

// McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 13, 14 and 16 (AES-256).
void TestCrypto::gcmKnownAnswers_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("iv");
    QTest::addColumn<QByteArray>("plain");
    QTest::addColumn<QByteArray>("aad");
    QTest::addColumn<QByteArray>("cipher");
    QTest::addColumn<QByteArray>("tag");
    const QByteArray zeroKey(32, '\0'), zeroIv(12, '\0');
    QTest::newRow("tc13") << zeroKey << zeroIv << QByteArray() << QByteArray() << QByteArray()
                          << QByteArray::fromHex("530f8afbc74536b9a963b4f1c4cb738b");
    QTest::newRow("tc14") << zeroKey << zeroIv << QByteArray(16, '\0') << QByteArray()
                          << QByteArray::fromHex("cea7403d4d606b6e074ec5d3baf39d18")
                          << QByteArray::fromHex("d0d1c8a799996bf0265b98b5d48ab919");
    QTest::newRow("tc16")
        << QByteArray::fromHex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
        << QByteArray::fromHex("cafebabefacedbaddecaf888")
        << QByteArray::fromHex(
               "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24"
               "49a6b525b16aedf5aa0de657ba637b39")
        << QByteArray::fromHex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
        << QByteArray::fromHex(
               "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b10"
               "56828838c5f61e6393ba7a0abcc9f662")
        << QByteArray::fromHex("76fc6ece0f4e1768cddf8853bb2d551b");
}

void TestCrypto::gcmKnownAnswers()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, iv);
    QFETCH(QByteArray, plain);
    QFETCH(QByteArray, aad);
    QFETCH(QByteArray, cipher);
    QFETCH(QByteArray, tag);
    auto sealed = crypto::sealWithNonce(key, iv, plain, aad);
    QVERIFY(sealed.ok());
    QCOMPARE(sealed.value().toHex(), (iv + cipher + tag).toHex());
    auto opened = crypto::open(key, sealed.value(), aad);
    QVERIFY(opened.ok());
    QCOMPARE(opened.value(), plain);
}

// RFC 7914 section 12, third vector (N=16384 is slow; this one is N=1024, r=8, p=16).
void TestCrypto::scryptKnownAnswer()
{
    crypto::KdfParams k;
    k.n = 1024;
    k.r = 8;
    k.p = 16;
    k.salt = "NaCl";
    auto key = crypto::deriveKey("password", k);
    QVERIFY(key.ok());
    QCOMPARE(key.value().toHex(), QByteArray("fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"));
}

void TestCrypto::roundTripAndRandomNonce()
{
    const QByteArray key = crypto::randomBytes(32);
    auto a = crypto::seal(key, "Morag MacLeod", "row-1");
    auto b = crypto::seal(key, "Morag MacLeod", "row-1");
    QVERIFY(a.ok() && b.ok());
    QVERIFY(a.value() != b.value()); // fresh nonce each time
    QVERIFY(!a.value().contains("Morag"));
    QCOMPARE(crypto::open(key, a.value(), "row-1").value(), QByteArray("Morag MacLeod"));
}

void TestCrypto::tamperIsDetected()
{
    const QByteArray key = crypto::randomBytes(32);
    const QByteArray sealed = crypto::seal(key, "distress 7", "aad").value();
    for (int i = 0; i < sealed.size(); ++i) {
        QByteArray bad = sealed;
        bad[i] = char(bad[i] ^ 0x01);
        auto r = crypto::open(key, bad, "aad");
        QVERIFY2(!r.ok(), qPrintable(QStringLiteral("flip at byte %1 went undetected").arg(i)));
        QCOMPARE(r.error().code, ErrorCode::Corrupt);
    }
}

void TestCrypto::wrongKeyOrAadIsDetected()
{
    const QByteArray key = crypto::randomBytes(32);
    const QByteArray sealed = crypto::seal(key, "x", "record-a|v1").value();
    QVERIFY(!crypto::open(crypto::randomBytes(32), sealed, "record-a|v1").ok());
    QVERIFY(!crypto::open(key, sealed, "record-b|v1").ok()); // swapped between rows
    QVERIFY(!crypto::open(key, sealed, "record-a|v2").ok()); // replayed old version
}

void TestCrypto::truncatedIsRejected()
{
    const QByteArray key = crypto::randomBytes(32);
    const QByteArray sealed = crypto::seal(key, "hello", {}).value();
    for (int n = 0; n < sealed.size(); ++n)
        QVERIFY(!crypto::open(key, sealed.left(n), {}).ok());
    QVERIFY(!crypto::open(QByteArray(5, 'k'), sealed, {}).ok());
}

void TestCrypto::kdfParamsRoundTrip()
{
    const crypto::KdfParams k = crypto::KdfParams::fresh();
    auto back = crypto::KdfParams::fromJson(k.toJson());
    QVERIFY(back.ok());
    QCOMPARE(back.value().salt, k.salt);
    QCOMPARE(back.value().n, k.n);
    QJsonObject bad = k.toJson();
    bad[QStringLiteral("n")] = 1000; // not a power of two
    QVERIFY(!crypto::KdfParams::fromJson(bad).ok());
    bad = k.toJson();
    bad[QStringLiteral("alg")] = QStringLiteral("md5");
    QVERIFY(!crypto::KdfParams::fromJson(bad).ok());
}

// The reused-context cipher the store seals pages with: the one-shot functions read what it writes
// and the reverse, nonces never repeat across its draws, and a failed check leaves it usable.
void TestCrypto::cipherMatchesOneShot()
{
    const QByteArray key = crypto::randomBytes(32);
    crypto::Cipher cipher(key);
    QSet<QByteArray> nonces;
    for (int i = 0; i < 600; ++i) { // more than one draw of nonces
        const QByteArray plain = QByteArray::number(i).repeated(i % 7);
        const QByteArray aad = "row|" + QByteArray::number(i);
        auto sealed = cipher.seal(plain, aad);
        QVERIFY(sealed.ok());
        nonces.insert(sealed.value().left(crypto::NonceSize));
        QCOMPARE(crypto::open(key, sealed.value(), aad).value(), plain);
        QCOMPARE(cipher.open(crypto::seal(key, plain, aad).value(), aad).value(), plain);
    }
    QCOMPARE(nonces.size(), 600);
    QByteArray tampered = cipher.seal("hello", "a").value();
    tampered[crypto::NonceSize] = char(tampered[crypto::NonceSize] ^ 1);
    QVERIFY(!cipher.open(tampered, "a").ok());
    QVERIFY(!cipher.open(cipher.seal("hello", "a").value(), "b").ok());
    QVERIFY(!cipher.open(QByteArray(crypto::NonceSize + crypto::TagSize - 1, 'x'), "a").ok());
    QCOMPARE(cipher.open(cipher.seal("hello", "a").value(), "a").value(), QByteArray("hello"));
    crypto::Cipher wrongSize(QByteArray(5, 'k'));
    QVERIFY(!wrongSize.seal("x", {}).ok());
    QVERIFY(!wrongSize.open(crypto::seal(key, "x", {}).value(), {}).ok());
}

QTEST_GUILESS_MAIN(TestCrypto)
#include "tst_crypto.moc"
