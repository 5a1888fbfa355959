// The words of random environment names (`generate_random_name`): an adjective and a noun.
// 458 x 400 pairs, about as many as the reference's go-randomdata lists give, so that 20 draws
// repeat a name about as rarely (about once in a thousand runs).

const words = (text: string): readonly string[] => text.split(/\s+/).filter(Boolean);

export const ADJECTIVES = words(`
  able absent acid active agile airy alert alive amber ample amused ancient antique apt arctic arid
  ashen astral atomic august autumn avid awake aware azure balmy bare basic bashful bold bouncy
  brave breezy brief bright brisk broad bronze bubbly busy calm candid carefree careful casual
  cheery chilly chief civic civil classic clean clear clever close cloudy coastal cobalt cold comfy
  common cool copper coral cosmic cozy crafty crimson crisp cubic cuddly curious curly cyan dainty
  damp dapper daring dark dear decent deep deft dense dewy direct distant dizzy dotted double downy
  dreamy dry dual dusky dusty dutiful eager early earnest easy ebony elated electric elegant elfin
  eminent emerald empty endless epic equal even exact exotic expert faint fair faithful famous fancy
  far fast fearless feisty fertile festive fine firm first fit fluffy fluent flying focal fond
  formal frank free fresh friendly frosty frugal full funny fuzzy gallant gentle genuine giant giddy
  gifted glad gleaming glossy golden good graceful grand grateful great green grey groovy grounded
  hale handy happy hardy hasty hazel hearty heavy helpful heroic hidden high hollow homely honest
  hopeful humble hushed icy ideal idle immense indigo inner intent ionic ivory jade jaunty jazzy
  jolly jovial joyful joyous juicy jumbo junior just keen kind kindly kinetic knotty lanky large
  lasting late lavish lawful lazy leafy lean legal level light likely limber linear liquid little
  lively local lofty logical lone long loud lovely loyal lucid lucky lunar lush magic main major
  mellow merry mighty mild minty misty modern modest molten moral mossy motley muddy murky musical
  mutual naive narrow native natural near neat new nice nifty nimble noble nocturnal normal northern
  notable novel oaken obvious oceanic odd open optimal orange orderly organic ornate outer oval pale
  paper patient peaceful pearly perky pink placid plain plucky plush polar polite posh precise
  pretty prime primal proud prudent pure purple quaint quick quiet quirky radiant rapid rare ready
  real regal relaxed rich rigid ripe robust rocky rosy rough round royal ruby rugged rustic sacred
  safe salty sandy savvy scarlet scenic secret serene sharp sheer shiny short shy silent silky
  silver simple sincere sleek slender slim slow small smart smooth snappy snowy snug sober social
  soft solar solid sonic sound sour spare sparkly speedy spicy spiral splendid spotted spry square
  stable stark steady steep stellar sticky still stoic stormy stout strong sturdy subtle sunny super
  supreme sure swift tall tame tangy tawny teal tender tepid terse thankful thick thin thrifty tidy
  tiny tough tranquil tribal true trusty tubby twin ultra unique united upbeat upper urban useful
  vague valiant valid vast velvet verbal vernal violet visible vital vivid vocal warm wary watery
  wavy wealthy weary whole wide wild windy winged wintry wise witty wooden woolly worthy young
  youthful zany zealous zen zesty zippy
`);

export const NOUNS = words(`
  acorn adder agate albatross alder almond alpaca anchor anemone ant antelope anvil apple apricot
  arch arrow aspen aster atlas atoll aurora avocado axe badger bagel bamboo banjo barley barn basil
  basin bat bay beacon beagle beaker bear beaver bee beech beetle bell berry birch bison blossom
  boar bobcat bolt bonsai boulder branch bramble breeze brick bridge brook broom buffalo bugle bunny
  buoy butte button buzzard cabin cactus camel canal canary candle canoe canyon caper cardinal
  caribou carrot castle catfish cedar cello chalk chamois cheetah cherry chestnut chipmunk cicada
  cider cinder citrus clam cliff clock cloud clover cobra cocoa comet compass condor coral cork
  cormorant cottage cougar cove coyote crab crane crater creek cricket crocus crow cupcake cypress
  daisy dam delta desert dingo dolphin donkey dove dragonfly drum duck dune eagle echo eel egret elk
  elm ember emu engine falcon fawn feather fern ferret ferry fiddle field fig finch fjord flamingo
  flint flute fog forest fossil fountain fox frog frost galaxy garden garnet gazelle gecko geyser
  gibbon ginger giraffe glacier glade goat goose gopher gorge granite grape grove gull hamster
  harbor hare harp hawk hazel hedge hedgehog heron hickory hill hippo hornet horse husky hyena ibex
  iguana impala inlet iris island ivy jackal jaguar jasmine jay jellyfish jetty juniper kayak kelp
  kestrel kettle kite kiwi koala krill lagoon lake lamp lantern larch lark laurel lemon lemur
  leopard lichen lily lime linden lion lizard llama lobster locust lotus lynx macaw magnet magpie
  mallard mammoth mango mantis maple marble marmot marsh meadow melon mesa meteor mink minnow mole
  monsoon moose moss moth mountain mule mussel narwhal nebula nectar newt nightjar nut oak oasis
  ocelot octopus olive onyx opal orbit orca orchid oriole osprey ostrich otter owl oyster paddle
  palm panda panther parrot peach peak pear pebble pelican penguin pepper petrel pigeon pike pine
  plover plum pond poplar poppy possum prairie prism puffin puma quail quarry quartz quill quince
  rabbit raccoon radish rain raven reef reindeer rhino ridge river robin rocket rook rose rowan
  saddle salmon sapphire sardine satchel sequoia shark sheep shell shrew shrimp skunk sloth snail
  sparrow spider spruce squid squirrel starling stork stream sumac summit swallow swan sycamore
  tadpole tangerine tapir teapot tern thistle thrush tide tiger toad toucan trout tulip tundra
  turtle umbrella urchin valley vapor viola violin viper vole vulture wagon walnut walrus warbler
  wasp waterfall weasel whale wheat willow wolf wombat wren yak yarrow yew zebra zephyr zinnia
`);
