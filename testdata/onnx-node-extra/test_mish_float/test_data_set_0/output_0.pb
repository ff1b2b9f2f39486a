ByJðíSp²¼«BîN7­yCBKEfAjÛV¾À¸ µ8hµãÄ²ð†½]TúA½‹)AçmôA{11³Æ+¾®¶1¹AS8d¾Zo	BÈ\m´)ìB2§AèBf4@½ñ@‰¢ãA5Î¼¯*
÷±GZh@6LŽA¹¥Aœ¨ÎA;|³ÆžAÁUµU_^¾às…²u1B	Pæ@Ö#’Aò¼ø´B
q‹±Ñˆo¾Ã°a(C±qúB°:YA @ß—4¾KB?¯¯µÎž°½ÂºW¦A,Ï@c"ˆAîp£A…Ÿ ASSOAÍNA